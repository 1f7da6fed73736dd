"""The export of 双公示 records for the credit platforms, inside the officer's jurisdiction: each
decision's publication, each withdrawal and each early end by credit repair is a record of its
own, dated by the day it happened (in the portal's timezone), filtered by a range of those days
and by kind. Names are written as the public sees them (an individual's masked; no identity
number is ever exported). Reading only: nothing is stored."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.accounts.models import User
from portal.credit_exchange import layout
from portal.csvexport import neutralise, to_csv
from portal.disclosures.models import Disclosure, DisclosureState, RepairDecision
from portal.disclosures.queries import PublicDisclosure
from portal.extensions import db
from portal.regions import service as regions

KINDS = tuple(layout.KIND_CODES)
MAX_RECORDS = 50_000


@dataclass(frozen=True)
class Record:
    kind: str
    on: dt.date
    disclosure: PublicDisclosure
    reason: str = ""

    def cells(self) -> dict[str, str]:
        """The record's cells by column key."""
        d = self.disclosure
        lifelong = d.publication_end is None
        end = d.ended_early_on if self.kind == "repair" else d.publication_end
        return {
            "party_name": d.party_name, "party_type": layout.PARTY_TYPE_CODES[d.party_type], "uscc": d.uscc or "",
            "legal_representative": d.legal_representative, "decision_number": d.decision_number,
            "violation": layout.VIOLATION_NAMES[d.violation], "facts": d.facts, "legal_basis": d.legal_basis,
            "penalties": ";".join(layout.PENALTY_NAMES[p] for p in d.penalties),
            "penalty_content": d.penalty_content, "fine": layout.wan(d.fine_amount),
            "confiscated": layout.wan(d.confiscated_amount), "decision_date": layout.day(d.decision_date),
            "valid_until": layout.day(d.valid_until, open_ended=lifelong and d.valid_until is None),
            "publication_end": layout.day(end, open_ended=lifelong and self.kind != "repair"),
            "authority_name": d.authority_name, "authority_uscc": d.authority_uscc, "data_source": d.data_source,
            "remarks": d.remarks, "record_kind": layout.KIND_CODES[self.kind], "record_date": self.on.isoformat(),
            "record_reason": self.reason,
        }

    def row(self) -> list[str]:
        cells = self.cells()
        return [cells[key] for key, _ in layout.COLUMNS]


def _utc_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = clock.zone()
    low = dt.datetime.combine(start, dt.time.min, tzinfo=zone).astimezone(dt.timezone.utc)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone).astimezone(dt.timezone.utc)
    return low, high


def records(user: User, start: dt.date, end: dt.date, kinds: tuple[str, ...] = KINDS) -> list[Record]:
    """The records of the user's jurisdiction whose day lies from `start` to `end` (both
    included), of the given kinds; oldest first, then by decision number."""
    low, high = _utc_bounds(start, end)
    prefix = regions.get(user.region_code).scope_prefix
    query = (select(Disclosure).options(selectinload(Disclosure.region))
             .where(Disclosure.region_code.startswith(prefix),
                    Disclosure.state.in_((DisclosureState.PUBLISHED, DisclosureState.WITHDRAWN)),
                    or_(and_(Disclosure.published_at >= low, Disclosure.published_at < high),
                        and_(Disclosure.withdrawn_at >= low, Disclosure.withdrawn_at < high),
                        Disclosure.ended_early_on.between(start, end)))
             .limit(MAX_RECORDS))
    found: list[Record] = []
    for row in db.session.scalars(query):
        public = PublicDisclosure.of(row)
        moments = {"publication": row.published_at, "withdrawal": row.withdrawn_at}
        for kind in ("publication", "withdrawal"):
            moment = moments[kind]
            if kind in kinds and moment is not None and start <= clock.local_date(moment) <= end:
                found.append(Record(kind, clock.local_date(moment), public,
                                    row.withdrawal_reason if kind == "withdrawal" else ""))
        if ("repair" in kinds and row.repair_decision is RepairDecision.APPROVED and row.ended_early_on
                and start <= row.ended_early_on <= end):
            found.append(Record("repair", row.ended_early_on, public, "信用修复"))
    return sorted(found, key=lambda r: (r.on, r.disclosure.decision_number, KINDS.index(r.kind)))


def as_csv(found: list[Record]) -> str:
    """The records as CSV (UTF-8 with a byte-order mark, formula-like cells neutralised)."""
    return to_csv(layout.HEADER, (record.row() for record in found))


def as_xlsx(found: list[Record]) -> bytes:
    """The records as an XLSX workbook: one sheet, the header row, every cell text (so codes and
    amounts keep their digits), formula-like cells neutralised."""
    from openpyxl import Workbook  # with numpy about 30 MB: loaded by the first export, not by every worker

    book = Workbook(write_only=True)
    sheet = book.create_sheet("行政处罚")
    sheet.append(list(layout.HEADER))
    for record in found:
        sheet.append([neutralise(cell) for cell in record.row()])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
