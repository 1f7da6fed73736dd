"""Keeping the statistics' aggregates (`portal.stats.models`): a changed record's facts compared
with those last counted, the difference added to the cells; and a rebuild from scratch.

`apply(touched)` runs inside the transaction that changed the records (`portal.stats.keeping`
calls it before the commit), so the figures change exactly when the cases do. It locks the
records' rows first (in order: two transactions changing one case wait for each other and the
second counts what the first committed), then the cells (in order, so none deadlock).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal import cellkey
from portal.enforcement.models import EnforcementCase
from portal.extensions import db
from portal.mediation.models import MediationCase
from portal.stats import facts
from portal.stats.models import StatsCell, StatsRecord

INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}
# Figures counted but never published by themselves: the histograms (days, ratings, yuan returned) the
# medians, shares and money rest on; and the supervisors' submissions (supervisors are named in public).
AS_IS = frozenset({"days", "rating", "settle_days", "refund_yuan", "supervisor_submissions"})
BATCH = 500
HALF = 1 << 32

CellKey = tuple[str, str, str, str]  # (county, month, figure, bucket)


def published(figure: str, count: int, key_high: int, key_low: int) -> int:
    """The count as published: perturbed by the cell key unless the figure is published as is."""
    return count if figure in AS_IS else cellkey.perturb(count, cell_key(key_high, key_low))


def cell_key(key_high: int, key_low: int) -> int:
    """The cell key from the sums of its records' keys' high and low halves."""
    return cellkey.combine((key_high * HALF, key_low))


def _split(key: int) -> tuple[int, int]:
    return key >> 32, key & (HALF - 1)


def _insert():
    return INSERTS[db.session.get_bind().dialect.name]


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _deltas(kind: str, record_key: cellkey.RecordKeys, changes: Iterable[tuple[int, facts.Counted, facts.Counted]],
            into: dict[CellKey, list[int]]) -> None:
    for record_id, old, new in changes:
        if old.county == new.county and old.facts == new.facts:
            continue
        high, low = _split(record_key(kind, record_id))
        same = old.county == new.county
        for county, counted, sign in ((old.county, old.facts - new.facts if same else old.facts, -1),
                                      (new.county, new.facts - old.facts if same else new.facts, 1)):
            for figure, month, bucket in counted:
                delta = into.setdefault((county, month, figure, bucket), [0, 0, 0])
                delta[0] += sign
                delta[1] += sign * high
                delta[2] += sign * low


# A noted link, the column naming the linked record, and that record's kind and id.
LINKS = (("complaint-enforcement", EnforcementCase.complaint_id, "enforcement", EnforcementCase.id),
         ("disclosure-enforcement", EnforcementCase.disclosure_id, "enforcement", EnforcementCase.id),
         ("complaint-mediation", MediationCase.complaint_id, facts.MEDIATION, MediationCase.id))


def resolve(touched: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
    """The records to count again: those noted, the enforcement cases of the complaints and the
    disclosures noted (a case's figures follow its complaint and its decision's state), and the
    complaints' disputes on the mediation track (counted in the complaint's county, from its date)."""
    found = {(kind, record_id) for kind, record_id in touched if kind in facts.KINDS}
    for link, column, linked_kind, linked_id in LINKS:
        ids = sorted({record_id for kind, record_id in touched if kind == link})
        for chunk in _chunks(ids):
            linked = db.session.scalars(select(linked_id).where(column.in_(chunk)))
            found |= {(linked_kind, record_id) for record_id in linked}
    return found


def apply(touched: Iterable[tuple[str, int]]) -> int:
    """Count these records again and move the cells by the difference; the number of cells moved."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, record_id in touched:
        by_kind[kind].add(record_id)
    record_key = cellkey.RecordKeys()
    deltas: dict[CellKey, list[int]] = {}
    insert = _insert()
    for kind in facts.KINDS:
        for ids in _chunks(sorted(by_kind.get(kind, ()))):
            db.session.execute(insert(StatsRecord).values([{"kind": kind, "record_id": i, "county": "", "facts": ""}
                                                           for i in ids]).on_conflict_do_nothing())
            rows = db.session.execute(select(StatsRecord.record_id, StatsRecord.county, StatsRecord.facts)
                                      .where(StatsRecord.kind == kind, StatsRecord.record_id.in_(ids))
                                      .order_by(StatsRecord.record_id).with_for_update())
            old = {record_id: facts.decode(county, text) for record_id, county, text in rows}
            new = facts.READERS[kind](ids=ids)
            changes = [(i, old.get(i, facts.Counted()), new.get(i, facts.Counted())) for i in ids]
            _deltas(kind, record_key, changes, deltas)
            _store(kind, changes)
    for key in sorted(deltas):
        _move(key, *deltas[key])
    return len(deltas)


def _store(kind: str, changes: list[tuple[int, facts.Counted, facts.Counted]]) -> None:
    gone = [record_id for record_id, _old, new in changes if not new.facts]
    if gone:
        db.session.execute(delete(StatsRecord).where(StatsRecord.kind == kind, StatsRecord.record_id.in_(gone)))
    for record_id, old, new in changes:
        if new.facts and (old.county, old.facts) != (new.county, new.facts):
            db.session.execute(update(StatsRecord).where(StatsRecord.kind == kind, StatsRecord.record_id == record_id)
                               .values(county=new.county, facts=new.encode()))


def _move(key: CellKey, count: int, high: int, low: int) -> None:
    """Add to one cell (creating it), then set its published count, or delete it when it counts nothing."""
    if not (count or high or low):
        return
    county, month, figure, bucket = key
    insert = _insert()
    statement = insert(StatsCell).values(county=county, month=month, figure=figure, bucket=bucket, count=count,
                                         key_high=high, key_low=low, published=0)
    statement = statement.on_conflict_do_update(
        index_elements=[StatsCell.county, StatsCell.month, StatsCell.figure, StatsCell.bucket],
        set_={"count": StatsCell.count + statement.excluded.count,
              "key_high": StatsCell.key_high + statement.excluded.key_high,
              "key_low": StatsCell.key_low + statement.excluded.key_low},
    ).returning(StatsCell.count, StatsCell.key_high, StatsCell.key_low)
    total, key_high, key_low = db.session.execute(statement).one()
    where = (StatsCell.county == county, StatsCell.month == month, StatsCell.figure == figure,
             StatsCell.bucket == bucket)
    if total <= 0:
        db.session.execute(delete(StatsCell).where(*where))
    else:
        db.session.execute(update(StatsCell).where(*where)
                           .values(published=published(figure, total, key_high, key_low)))


# --- the rebuild ------------------------------------------------------------------------------

RANGE = 20_000  # records read at once by the rebuild


def counted_everything() -> Iterator[tuple[str, int, facts.Counted]]:
    """Every record's facts now, kind by kind, in id ranges."""
    for kind in facts.KINDS:
        model = facts.MODELS[kind]
        low, high = db.session.execute(select(func.min(model.id), func.max(model.id))).one()
        if low is None:
            continue
        for start in range(low, high + 1, RANGE):
            for record_id, counted in sorted(facts.READERS[kind](id_range=(start, start + RANGE - 1)).items()):
                if counted.facts:
                    yield kind, record_id, counted


def cells_of(records: Iterable[tuple[str, int, facts.Counted]]) -> dict[CellKey, list[int]]:
    """The cells these records make up: count and key sums by cell."""
    record_key = cellkey.RecordKeys()
    cells: dict[CellKey, list[int]] = {}
    for kind, record_id, counted in records:
        high, low = _split(record_key(kind, record_id))
        for figure, month, bucket in counted.facts:
            cell = cells.setdefault((counted.county, month, figure, bucket), [0, 0, 0])
            cell[0] += 1
            cell[1] += high
            cell[2] += low
    return cells


def rebuild(write_records=None, write_cells=None) -> tuple[int, int]:
    """Empty the aggregates and count every record again; (records, cells) written. The writers
    (rows of dicts) default to batched inserts; the benchmark passes PostgreSQL's COPY."""
    db.session.execute(delete(StatsCell))
    db.session.execute(delete(StatsRecord))
    write_records = write_records or _insert_rows(StatsRecord)
    write_cells = write_cells or _insert_rows(StatsCell)
    records: list[tuple[str, int, facts.Counted]] = []
    record_rows: list[dict] = []
    written = 0
    cells: dict[CellKey, list[int]] = {}
    for record in counted_everything():
        records.append(record)
        kind, record_id, counted = record
        record_rows.append({"kind": kind, "record_id": record_id, "county": counted.county, "facts": counted.encode()})
        if len(record_rows) >= RANGE:
            _merge(cells, cells_of(records))
            write_records(record_rows)
            written += len(record_rows)
            records, record_rows = [], []
    _merge(cells, cells_of(records))
    write_records(record_rows)
    written += len(record_rows)
    write_cells([{"county": k[0], "month": k[1], "figure": k[2], "bucket": k[3], "count": v[0], "key_high": v[1],
                  "key_low": v[2], "published": published(k[2], *v)} for k, v in sorted(cells.items())])
    return written, len(cells)


def _merge(into: dict[CellKey, list[int]], cells: dict[CellKey, list[int]]) -> None:
    for key, (count, high, low) in cells.items():
        cell = into.setdefault(key, [0, 0, 0])
        cell[0] += count
        cell[1] += high
        cell[2] += low


def _insert_rows(model):
    def write(rows: list[dict]) -> None:
        for chunk in _chunks(rows, 2000):
            db.session.execute(model.__table__.insert(), chunk)
    return write


def differences() -> list[str]:
    """Where the kept cells differ from a count from scratch (nothing: they agree), without writing."""
    records = list(counted_everything())
    kept = {(c.county, c.month, c.figure, c.bucket): [c.count, c.key_high, c.key_low, c.published]
            for c in db.session.scalars(select(StatsCell))}
    fresh = {key: [*value, published(key[2], *value)] for key, value in cells_of(records).items()}
    found = [f"cell {' '.join(key)}: kept {kept.get(key)}, counted {fresh.get(key)}"
             for key in sorted(set(kept) | set(fresh)) if kept.get(key) != fresh.get(key)]
    kept_records = {(kind, record_id): (county, text) for kind, record_id, county, text in db.session.execute(
        select(StatsRecord.kind, StatsRecord.record_id, StatsRecord.county, StatsRecord.facts))}
    fresh_records = {(kind, record_id): (counted.county, counted.encode()) for kind, record_id, counted in records}
    found += [f"record {kind} {record_id}: kept {kept_records.get((kind, record_id))!r}, "
              f"counted {fresh_records.get((kind, record_id))!r}"
              for kind, record_id in sorted(set(kept_records) | set(fresh_records))
              if kept_records.get((kind, record_id)) != fresh_records.get((kind, record_id))]
    return found
