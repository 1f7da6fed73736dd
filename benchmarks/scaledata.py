"""Bulk data for the province benchmark (`benchmarks/scale.py`), written with COPY on PostgreSQL.

One province (浙江, 33) at full size: 1,000,000 institutions with their name grams, 2,000,000
complaints over five years across its counties with timelines (received, accepted or not,
investigated, concluded, rated, reviewed, archived), 20,000,000 audit records chained by the
portal's own `record_hash` (in `scalecopy.audit_records`; and one signed head over them, so
`audit verify` has a checkpoint to start from), 100,000 disclosures and 50,000 blacklist
entries. `scale` multiplies every count.

Dates spread over the five years before `END`; deadlines are counted in calendar days here (the
portal counts working days): the benchmark needs realistic shapes, not exact legal dates.
Nothing here is imported by the portal.
"""
from __future__ import annotations

import datetime as dt
import enum
import random
import time
from collections.abc import Iterable, Iterator

import scalecopy  # benchmarks/scalecopy.py: fast COPY
import searchdata  # benchmarks/searchdata.py: names, USCCs, blacklist rows
from sqlalchemy import Table, select, text

from portal.casework.models import Category, Complaint, ComplaintEvent, EventKind, Rating, ReviewStage, Source, Status
from portal.disclosures.models import Disclosure, DisclosureState, PartyType
from portal.extensions import db
from portal.institutions.models import Institution
from portal.regions.models import Region, RegionLevel
from portal.search.grams import MAX_GRAM, normalise
from portal.security import crypto, receipts

PROVINCE = "33"
END = dt.date(2026, 11, 30)
START = END - dt.timedelta(days=5 * 365)
FULL = {"institutions": 1_000_000, "complaints": 2_000_000, "audit": 20_000_000, "disclosures": 100_000,
        "blacklist": 50_000}
STORIES = ("周末给小学生上数学课，没有任何证照，还要求预交一年学费。", "机构关门后拒不退还剩余课时费。",
           "晚上九点以后还在给初中生上英语课。", "以托管名义开展学科类培训，教室没有消防通道。",
           "老师是在职中小学教师，课后有偿补课。", "宣传“提分保过”，收费不公示。")
REPLIES = ("经核查，该机构确有违规行为，已责令整改。", "经核查，未发现所反映的问题。", "已移交市场监管部门依法处理。")


def counts(scale: float) -> dict[str, int]:
    return {name: max(1, int(full * scale)) for name, full in FULL.items()}


def places() -> tuple[list[tuple[str, str, str]], dict[str, list[str]]]:
    """The province's counties as (code, city name, county name), and each city's counties."""
    regions = {r.code: r for r in db.session.scalars(
        select(Region).where(Region.current.is_(True), Region.code.startswith(PROVINCE)))}
    found = sorted((r.code, regions[r.parent_code].name_zh, r.name_zh) for r in regions.values()
                   if r.level is RegionLevel.COUNTY and r.parent_code in regions)
    cities: dict[str, list[str]] = {}
    for code, _city, _county in found:
        cities.setdefault(code[:4] + "00", []).append(code)
    return found, cities


def _value(value):
    return value.value if isinstance(value, enum.Enum) else value


def copy(table: Table, rows: Iterable[dict]) -> int:
    """COPY the rows into the table; a column missing from a row takes its default (or NULL)."""
    columns = list(table.columns)
    fallback = {}
    for column in columns:
        default = column.default
        if default is not None and default.is_scalar:
            fallback[column.name] = _value(default.arg)
        elif default is not None and default.is_callable:
            fallback[column.name] = default.arg(None)
        else:
            fallback[column.name] = None
    line = scalecopy.row_writer(columns, fallback)
    return scalecopy.copy_lines(table.name, [column.name for column in columns], map(line, rows))


def reset_sequence(table: str) -> None:
    db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def institutions(rng: random.Random, count: int, where: list) -> list[tuple]:
    """COPY the institutions and their name grams; (id, name, uscc, region, address, kind) of each."""
    now = dt.datetime.now(dt.timezone.utc)
    kept: list[tuple] = []

    def rows() -> Iterator[dict]:
        for row in searchdata.institution_rows(rng, count, where):
            kept.append((row["id"], row["name"], row["uscc"], row["region_code"], row["address"], row["kind"]))
            yield {**row, "created_at": now, "updated_at": now}
    copy(Institution.__table__, rows())
    reset_sequence("institutions")
    return kept


def grams(kind: str, table: str, name_column: str = "name") -> None:
    """Every (gram, kind, ref_id, sort_key) of the table's names, cut by PostgreSQL (in C, not row by row in
    Python): the same grams as `grams_of` for these generated names, which NFKC and case folding
    leave as they are and which have no spaces (checked on a sample first)."""
    sample = db.session.execute(text(f"SELECT id, {name_column} FROM {table} ORDER BY random() LIMIT 200")).all()
    for _id, name in sample:
        assert normalise(name) == name, name
    db.session.execute(text(
        f"INSERT INTO name_grams (gram, kind, ref_id, sort_key) "
        f"SELECT DISTINCT substr(t.{name_column}, i, size), :kind, t.id, t.{name_column} "
        f"FROM {table} t, generate_series(1, {MAX_GRAM}) size, generate_series(1, char_length(t.{name_column})) i "
        f"WHERE i + size - 1 <= char_length(t.{name_column})"), {"kind": kind})


def without_gram_keys():
    """Drop name_grams' keys before the bulk load; returns what puts them back."""
    key = db.session.scalar(text("SELECT conname FROM pg_constraint WHERE conrelid = 'name_grams'::regclass "
                                 "AND contype = 'p'"))
    db.session.execute(text(f"ALTER TABLE name_grams DROP CONSTRAINT {key}"))
    db.session.execute(text("DROP INDEX ix_name_grams_kind_ref_id"))
    db.session.execute(text("DROP INDEX ix_name_grams_ordered"))

    def restore() -> None:
        db.session.execute(text("SET maintenance_work_mem = '512MB'"))
        db.session.execute(text(f"ALTER TABLE name_grams ADD CONSTRAINT {key} PRIMARY KEY (gram, kind, ref_id)"))
        db.session.execute(text("CREATE INDEX ix_name_grams_kind_ref_id ON name_grams (kind, ref_id)"))
        db.session.execute(text("CREATE INDEX ix_name_grams_ordered ON name_grams (kind, gram, sort_key, ref_id)"))
    return restore


def blacklist(rng: random.Random, count: int, registry: list[tuple], where: list) -> list[tuple[int, str]]:
    sources = [{"id": i, "name": n, "uscc": u, "region_code": r, "address": a, "kind": k}
               for i, n, u, r, a, k in rng.sample(registry, min(len(registry), count))]
    now = dt.datetime.now(dt.timezone.utc)
    names: list[tuple[int, str]] = []

    def rows() -> Iterator[dict]:
        for row in searchdata.blacklist_rows(rng, count, sources, where):
            names.append((row["id"], row["name"]))
            yield {**row, "created_at": now, "updated_at": now}
    from portal.blacklist.models import BlacklistEntry

    copy(BlacklistEntry.__table__, rows())
    reset_sequence("blacklist_entries")
    return names


# How a case's story ends, by share: (status it ends in, rated?, review stage reached).
OUTCOMES = ((Status.ARCHIVED, 0.55), (Status.CONCLUDED, 0.12), (Status.NOT_ACCEPTED, 0.10),
            (Status.TRANSFERRED, 0.06), (Status.REFERRED, 0.03), (Status.UNDER_REVIEW, 0.02),
            (Status.IN_PROGRESS, 0.07), (Status.ACCEPTED, 0.03), (Status.REGISTERED, 0.02))
SOURCES = (Source.ONLINE,) * 6 + (Source.HOTLINE_12345,) * 2 + (Source.PHONE, Source.LETTER, Source.VISIT,
                                                                  Source.OTHER_OFFICE)
CATEGORIES = list(Category)


def _timeline(rng: random.Random, received: dt.date, status: Status, handler: str) -> tuple[list, dict]:
    """The events of a case that reached `status`, and the case's fields they leave."""
    at = dt.datetime.combine(received, dt.time(9), dt.timezone.utc) + dt.timedelta(minutes=rng.randint(0, 480))
    events = [(EventKind.REGISTERED, at, True, "")]
    fields = {"acceptance_due": received + dt.timedelta(days=21), "conclusion_due": None,
              "replied_at": None, "rating": None, "review_stage": ReviewStage.NONE, "review_decision_due": None,
              "review_requested_at": None, "reply_received_on": None, "reply_received_how": None}

    def later(low: int, high: int) -> dt.datetime:
        nonlocal at
        at += dt.timedelta(days=rng.randint(low, high), minutes=rng.randint(0, 300))
        return at
    if status is Status.REGISTERED:
        return events, {**fields, "next_due": fields["acceptance_due"]}
    if status in (Status.NOT_ACCEPTED, Status.TRANSFERRED, Status.REFERRED):
        kind = {Status.NOT_ACCEPTED: EventKind.NOT_ACCEPTED, Status.TRANSFERRED: EventKind.TRANSFERRED,
                Status.REFERRED: EventKind.REFERRED}[status]
        events.append((kind, later(1, 14), True, "不属于本机关职责范围。"))
        return events, {**fields, "next_due": None}
    events.append((EventKind.ACCEPTED, later(1, 14), True, ""))
    fields["conclusion_due"] = at.date() + dt.timedelta(days=60)
    events.append((EventKind.ASSIGNED, at, False, handler))
    if status is Status.ACCEPTED:
        return events, {**fields, "next_due": fields["conclusion_due"]}
    events.append((EventKind.IN_PROGRESS, later(0, 5), True, ""))
    if rng.random() < 0.4:
        events.append((EventKind.NOTE, later(1, 10), False, "已电话联系机构负责人。"))
    if rng.random() < 0.2:
        events.append((EventKind.MESSAGE_TO_REPORTER, later(1, 10), True, "请补充缴费凭证。"))
        events.append((EventKind.SUPPLEMENT, later(0, 5), True, "已上传收据照片。"))
    if status is Status.IN_PROGRESS:
        return events, {**fields, "next_due": fields["conclusion_due"]}
    events.append((EventKind.CONCLUDED, later(5, 40), True, rng.choice(REPLIES)))
    fields["replied_at"] = at
    fields.update(reply_received_on=at.date(), reply_received_how="tracking_page")
    if rng.random() < 0.6:
        fields["rating"] = rng.choices(list(Rating), weights=(60, 25, 15))[0]
        events.append((EventKind.RATED, later(0, 10), True, ""))
    if status is Status.UNDER_REVIEW:
        events.append((EventKind.REVIEW_REQUESTED, later(1, 20), True, "处理结果不满意。"))
        fields.update(review_stage=ReviewStage.REVIEW, review_requested_at=at,
                      review_decision_due=at.date() + dt.timedelta(days=30))
        return events, {**fields, "next_due": fields["review_decision_due"]}
    if status is Status.ARCHIVED:
        events.append((EventKind.ARCHIVED, later(30, 60), False, ""))
    return events, {**fields, "next_due": None}


def complaints(rng: random.Random, count: int, registry: list[tuple], where: list,
               handlers: dict[str, list[int]], batch: int = 100_000) -> dict:
    """COPY the complaints and their events (a batch of each in turn); returns a few receipts
    (code, case id) to track with and the number of events."""
    pepper, version = crypto.pepper(), crypto.pepper_version()
    span = (END - START).days
    tracked: list[tuple[str, int]] = []
    serials: dict[str, int] = {}
    event_id = 0

    def case(case_id: int, events: list) -> dict:
        nonlocal event_id
        received = START + dt.timedelta(days=int(span * rng.random() ** 0.8))  # more in recent years
        age = (END - received).days
        status = rng.choices([o for o, _ in OUTCOMES], weights=[w for _, w in OUTCOMES])[0]
        if age < 90 and status is Status.ARCHIVED:
            status = rng.choice((Status.IN_PROGRESS, Status.ACCEPTED, Status.CONCLUDED, Status.REGISTERED))
        if age > 400 and status in (Status.REGISTERED, Status.ACCEPTED, Status.IN_PROGRESS):
            status = Status.ARCHIVED  # old cases are closed
        institution = rng.choice(registry) if rng.random() < 0.75 else None
        county = institution[3] if institution else rng.choice(where)[0]
        handler = rng.choice(handlers[county])
        story, fields = _timeline(rng, received, status, str(handler))
        prefix = f"{county}-{received:%Y%m%d}"
        serials[prefix] = serials.get(prefix, 0) + 1
        code = receipts.generate()
        if case_id % max(1, count // 400) == 0:
            tracked.append((code, case_id))
        for kind, at, public, body in story:
            event_id += 1
            events.append({"id": event_id, "complaint_id": case_id, "kind": kind, "public": public, "body": body,
                           "actor_id": None if kind is EventKind.REGISTERED else handler, "actor_label": "",
                           "created_at": at})
        return {"id": case_id, "case_number": f"{prefix}-{serials[prefix]:04d}",
                "receipt_digest": receipts.digest(code, pepper), "receipt_pepper": version,
                "source": rng.choice(SOURCES), "status": status, "category": rng.choice(CATEGORIES),
                "institution_id": institution[0] if institution else None,
                "institution_name": "" if institution else county + searchdata.brand(rng) + "辅导班",
                "institution_address": "", "region_code": county, "description": rng.choice(STORIES),
                "occurred_on": received - dt.timedelta(days=rng.randint(0, 30)), "ongoing": False,
                "anonymous": True, "received_on": received, "due_provisional": False, "extended": False,
                "handling_region_code": county, "transferred_to": "",
                "assignee_id": handler if status not in (Status.REGISTERED, Status.NOT_ACCEPTED) else None,
                "created_at": story[0][1], **fields}

    for first in range(1, count + 1, batch):
        events: list[dict] = []
        last = min(count, first + batch - 1)
        copy(Complaint.__table__, [case(case_id, events) for case_id in range(first, last + 1)])
        copy(ComplaintEvent.__table__, events)
    reset_sequence("complaints")
    reset_sequence("complaint_events")
    return {"tracked": tracked, "events": event_id}


def handlers(where: list) -> dict[str, list[int]]:
    """Two handlers in each county (accounts that never sign in: no usable password), their ids."""
    from portal.accounts.models import User

    start = (db.session.scalar(text("SELECT coalesce(max(id), 0) FROM users")) or 0) + 1
    rows, found = [], {}
    for offset, (code, _city, _county) in enumerate(where):
        for n in (0, 1):
            user_id = start + 2 * offset + n
            found.setdefault(code, []).append(user_id)
            rows.append({"id": user_id, "username": f"bench.{code}.{n}", "display_name": f"办案人员{code}-{n}",
                         "role": "handler", "region_code": code, "certificate_number": f"浙{code}{n:04d}",
                         "password_hash": "!", "must_change_password": True, "active": True,
                         "created_at": dt.datetime.now(dt.timezone.utc)})
    copy(User.__table__, rows)
    reset_sequence("users")
    return found


def disclosures(rng: random.Random, count: int, registry: list[tuple], drafter: int, reviewer: int) -> None:
    def rows() -> Iterator[dict]:
        for serial in range(1, count + 1):
            _id, name, uscc, county, _address, _kind = rng.choice(registry)
            decided = START + dt.timedelta(days=rng.randint(0, (END - START).days))
            months = rng.choice((3, 6, 12, 24, 36))
            state = rng.choices((DisclosureState.PUBLISHED, DisclosureState.WITHDRAWN, DisclosureState.DRAFT),
                                weights=(90, 5, 5))[0]
            published = dt.datetime.combine(decided, dt.time(10), dt.timezone.utc) + dt.timedelta(days=3)
            yield {"id": serial, "region_code": county, "institution_id": _id, "party_name": name,
                   "party_type": PartyType.LEGAL_PERSON, "uscc": uscc,
                   "decision_number": f"{county}教罚〔{decided.year}〕{serial}号", "violation": rng.choice(CATEGORIES),
                   "circumstance": "general", "facts": rng.choice(searchdata.FACTS), "legal_basis": "教育部令第53号",
                   "penalties": "warning,fine", "penalty_content": "警告，罚款人民币壹万元。",
                   "fine_amount": 10000, "decision_date": decided, "tier": "general", "period_months": months,
                   "publication_end": decided + dt.timedelta(days=30 * months), "authority_name": "教育局",
                   "authority_uscc": "11330000002482584X", "data_source": "教育局", "state": state,
                   "drafter_id": drafter, "reviewer_id": None if state is DisclosureState.DRAFT else reviewer,
                   "reviewed_at": None if state is DisclosureState.DRAFT else published,
                   "published_at": None if state is DisclosureState.DRAFT else published,
                   "withdrawn_at": published + dt.timedelta(days=20) if state is DisclosureState.WITHDRAWN else None,
                   "withdrawal_reason": "决定被依法撤销。" if state is DisclosureState.WITHDRAWN else "",
                   "created_at": published}
    copy(Disclosure.__table__, rows())
    reset_sequence("disclosures")


def timed(label: str, started: float, log) -> float:
    now = time.perf_counter()
    log(f"  {label}: {now - started:.0f} s")
    return now
