"""Records as the open data API shows them: stable English field names, ISO 8601 dates, times
with their offset, money as decimal strings in yuan. Each function takes what the pages take
(the same public views of a record), so the API cannot show more than a page does."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from portal import clock
from portal.casework.models import Complaint, ComplaintEvent
from portal.disclosures.queries import PublicDisclosure
from portal.institutions.models import Institution
from portal.regions.models import Region


def moment(value: dt.datetime | None) -> str | None:
    """A timestamp in the portal's timezone with its offset, e.g. 2026-11-22T09:30:00+08:00."""
    return value.astimezone(clock.zone()).isoformat(timespec="seconds") if value else None


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def money(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None


def labelled(member) -> dict:
    """An enum as its stable code and its label in the request's language."""
    return {"code": member.value, "label": str(member.label)}


def region(row: Region) -> dict:
    return {"code": row.code, "name_zh": row.name_zh, "name_en": row.name_en, "level": row.level.value,
            "parent_code": row.parent_code, "path_zh": row.path_zh, "path_en": row.path_en,
            "current": row.current}


def institution(row: Institution) -> dict:
    return {"id": row.id, "name": row.name, "uscc": row.uscc, "region_code": row.region_code,
            "region": row.region.path_zh, "address": row.address, "kind": labelled(row.kind),
            "licence_status": labelled(row.licence_status), "licence_number": row.licence_number,
            "registration_type": labelled(row.registration_type),
            "on_national_platform": row.on_national_platform,
            "annual_inspection": labelled(row.annual_inspection), "annual_inspection_year": row.annual_inspection_year,
            "whitelisted": row.whitelisted}


def disclosure(row: PublicDisclosure) -> dict:
    return {"id": row.id, "decision_number": row.decision_number, "party_name": row.party_name,
            "party_type": labelled(row.party_type), "uscc": row.uscc,
            "legal_representative": row.legal_representative, "institution_id": row.institution_id,
            "region_code": row.region.code, "region": row.region.path_zh, "violation": labelled(row.violation),
            "facts": row.facts, "legal_basis": row.legal_basis,
            "penalties": [labelled(penalty) for penalty in row.penalties], "penalty_content": row.penalty_content,
            "fine_amount": money(row.fine_amount), "confiscated_amount": money(row.confiscated_amount),
            "decision_date": day(row.decision_date), "valid_until": day(row.valid_until),
            "published_until": day(row.shown_until), "authority_name": row.authority_name,
            "authority_uscc": row.authority_uscc, "data_source": row.data_source, "remarks": row.remarks,
            "withdrawn": row.withdrawn, "withdrawal_reason": row.withdrawal_reason or None,
            "published_at": moment(row.published_at)}


def blacklist_entry(row, history=None, disclosures=None) -> dict:
    """An entry as /blacklist shows it; with its public history and linked decisions on request."""
    data = {"id": row.id, "name": row.name, "uscc": row.uscc, "address": row.address,
            "region_code": row.region_code, "region": row.region.path_zh, "training_type": labelled(row.training_type),
            "reason": labelled(row.reason), "facts": row.facts, "authority_name": row.authority_name,
            "listed_on": day(row.listed_on), "batch": row.batch or None, "cutoff_date": day(row.cutoff_date),
            "outcome": row.outcome or None, "decision_numbers": row.decision_number_list,
            "status": labelled(row.state), "removed_on": day(row.removed_on),
            "removal_reason": row.removal_reason or None, "institution_id": row.institution_id}
    if history is not None:
        data["history"] = [{"step": str(kind.label), "at": moment(event.at),
                            "note": event.note if kind.public_note and event.note else None}
                           for event, kind in history]
    if disclosures is not None:
        data["disclosures"] = [{"id": d.id, "decision_number": d.decision_number} for d in disclosures]
    return data


def timeline_entry(event: ComplaintEvent) -> dict:
    return {"kind": labelled(event.kind), "at": moment(event.created_at), "text": event.body or None,
            "by": event.actor_label or None, "files": len(event.attachments)}


def complaint_status(row: Complaint, timeline: list[ComplaintEvent], reply: ComplaintEvent | None,
                     next_step) -> dict:
    """What the tracking page shows, nothing more: no reporter details, no internal entries."""
    return {
        "case_number": row.case_number, "status": {**labelled(row.status), "description": str(row.status.description)},
        "category": labelled(row.category), "received_on": day(row.received_on),
        "next_deadline": {"what": str(next_step.label), "date": day(next_step.due),
                          "provisional": next_step.provisional} if next_step else None,
        "reply": {"at": moment(reply.created_at), "text": reply.body} if reply else None,
        "rating": labelled(row.rating) if row.rating else None,
        "timeline": [timeline_entry(event) for event in timeline],
    }
