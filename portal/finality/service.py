"""After a 复核 the same facts and reasons are not accepted again (信访工作条例 art. 36): at intake,
online or registered by staff, staff are warned when the same reporter or the same institution has
a case made final by a 复核, with a link to it. The reporter is recognised by a keyed hash of the
phone number they gave (never the number); an anonymous reporter only through the institution."""
from __future__ import annotations

from sqlalchemy import and_, or_, select

from portal.accounts.models import User
from portal.casework.models import Complaint, ReviewStage, Status
from portal.extensions import db
from portal.regions import service as regions
from portal.security import crypto

FINAL = (Status.CONCLUDED, Status.ARCHIVED)
LIMIT = 5


def reporter_digest(phone: str) -> str | None:
    """The keyed hash a named reporter's cases are matched by: their phone's digits under the
    installation's first pepper, so cases filed before and after a rotation still match."""
    digits = "".join(c for c in phone if c.isdigit())
    return crypto.matching_digest(b"reporter-phone:", digits).hex() if digits else None


def final_cases(complaint: Complaint, user: User) -> list[tuple[Complaint, bool, bool]]:
    """Other cases of the officer's jurisdiction made final by a 复核 with the same reporter or
    institution, newest first: each with whether the reporter and whether the institution match."""
    same = []
    if complaint.reporter_digest:
        same.append(Complaint.reporter_digest == complaint.reporter_digest)
    if complaint.institution_id is not None:
        same.append(Complaint.institution_id == complaint.institution_id)
    elif complaint.institution_name:
        same.append(and_(Complaint.institution_id.is_(None), Complaint.institution_name == complaint.institution_name))
    if not same:
        return []
    found = db.session.scalars(select(Complaint).where(
        or_(*same), Complaint.id != complaint.id, Complaint.review_stage == ReviewStage.RE_REVIEW,
        Complaint.status.in_(FINAL), Complaint.region_code.startswith(regions.get(user.region_code).scope_prefix))
        .order_by(Complaint.id.desc()).limit(LIMIT))
    return [(other, bool(complaint.reporter_digest) and other.reporter_digest == complaint.reporter_digest,
             (other.institution_id, other.institution_name) == (complaint.institution_id, complaint.institution_name)
             or (complaint.institution_id is not None and other.institution_id == complaint.institution_id))
            for other in found]


def panel(complaint: Complaint, user: User) -> dict | None:
    """The staff case page's warning, or None (no panel) when there is nothing to warn of."""
    cases = final_cases(complaint, user)
    return {"cases": cases} if cases else None
