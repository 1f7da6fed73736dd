"""Filing a complaint: the rules every intake path (public form, staff, API) goes through."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from nacl.exceptions import CryptoError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.accounts import service as accounts
from portal.accounts.models import User
from portal.casework import deadlines
from portal.casework.exceptions import OutsideJurisdiction
from portal.casework.models import (
    RECEIPT_REPLAY_WINDOW,
    Attachment,
    Category,
    Complaint,
    ComplaintEvent,
    EventKind,
    NotifyChannel,
    Source,
)
from portal.db import utcnow
from portal.errors import Conflict
from portal.escalation import service as escalation
from portal.extensions import db
from portal.finality import service as finality
from portal.intake.numbering import next_case_number
from portal.security import audit, crypto, receipts
from portal.security.attachments import CleanFile

MAX_FILES = 5
REPLAY_PURPOSE = b"receipt-replay:"
ISSUED_FORMS_KEY = "issued_forms"  # the session's marks of the forms this browser was given
# A double click, refresh or retry arrives within minutes; after that the receipt is gone.
REPLAY_WINDOW = RECEIPT_REPLAY_WINDOW
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "pdf": "pdf"}


class FormAlreadyUsed(Conflict):
    """This form was filed before and its receipt cannot be shown here: another story, another
    browser session, or too long ago."""


@dataclass(frozen=True)
class ReporterIdentity:
    name: str
    phone: str
    email: str = ""
    id_number: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "phone": self.phone, "email": self.email, "id_number": self.id_number}


@dataclass
class Draft:
    """What a reporter tells us, already validated by the form or the API."""

    category: Category
    region_code: str
    description: str
    institution_id: int | None = None
    institution_name: str = ""
    institution_address: str = ""
    occurred_on: dt.date | None = None
    ongoing: bool = False
    identity: ReporterIdentity | None = None
    notify_channel: NotifyChannel | None = None
    notify_contact: str = ""
    files: list[CleanFile] = field(default_factory=list)
    source: Source = Source.ONLINE
    mediation: bool = False  # "I want my money back": the mediation track (portal/mediation)
    mediation_name_shared: bool = False  # the institution may know the parent's name for mediation


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    receipt: str  # canonical code; shown once, never stored in the clear
    replayed: bool  # True when this was the same form posted again


def token_digest(form_token: str) -> str:
    """The stored form of a one-time form token."""
    return crypto.keyed_hash(b"form-token:", form_token)


def form_mark(token: str) -> str:
    """How a browser's session remembers a form it was given or sent (under ISSUED_FORMS_KEY…)."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def find_by_form_token(form_token: str) -> Complaint | None:
    """The complaint already filed with this form, if any (under any pepper: a rotation may fall
    between the first sending and the retry)."""
    return db.session.scalar(select(Complaint).where(
        Complaint.form_token_digest.in_(crypto.keyed_hashes(b"form-token:", form_token))))


def _form_content(draft: Draft) -> str:
    identity = draft.identity
    content = "\x1f".join(str(part) for part in (
        draft.category.value, draft.region_code, draft.description, draft.institution_id,
        draft.institution_name, draft.institution_address, draft.occurred_on, draft.ongoing,
        identity is None, *((identity.name, identity.phone, identity.email, identity.id_number) if identity else ()),
        draft.notify_channel.value if draft.notify_channel else "", draft.notify_contact))
    return content


def form_digest(draft: Draft) -> str:
    """A keyed hash of what the form said, who said it included (never stored in the clear), to
    recognise a true retry: the same story from someone else is not a retry."""
    return crypto.keyed_hash(b"form:", _form_content(draft))


def same_form(complaint: Complaint, draft: Draft) -> bool:
    """Whether the draft says what the filed complaint's form said (under any pepper)."""
    return complaint.form_digest in crypto.keyed_hashes(b"form:", _form_content(draft))


def replay(complaint: Complaint, form_token: str, draft: Draft, now: dt.datetime,
           same_session: bool) -> Filed:
    """Show the receipt again for a true retry: same content, same session, within minutes."""
    fresh = now - complaint.created_at <= REPLAY_WINDOW
    if not fresh:
        complaint.receipt_replay = None  # too late to be a retry: nobody can see it again
    if not (fresh and same_session and same_form(complaint, draft)):
        raise FormAlreadyUsed(complaint.case_number)
    for box in crypto.derived_boxes(form_token, REPLAY_PURPOSE):
        try:
            return Filed(complaint, box.decrypt(complaint.receipt_replay).decode(), replayed=True)
        except (CryptoError, TypeError):
            continue
    raise FormAlreadyUsed(complaint.case_number)


def file_complaint(draft: Draft, form_token: str, received_on: dt.date, now: dt.datetime | None = None,
                   same_session: bool = True) -> Filed:
    """Register a complaint once per form token; a true retry of the same form returns the
    same receipt, anything else sent with a used token raises FormAlreadyUsed."""
    now = now or utcnow()
    existing = find_by_form_token(form_token)
    if existing is not None:
        return replay(existing, form_token, draft, now, same_session)
    code = receipts.generate()
    try:
        with db.session.begin_nested():
            complaint = _new_complaint(draft, code, form_token, received_on, now)
            db.session.add(complaint)
            db.session.flush()
    except IntegrityError:
        # Another request with the same token won the race; show its receipt.
        existing = find_by_form_token(form_token)
        if existing is None:
            raise
        return replay(existing, form_token, draft, now, same_session)
    _record_registration(complaint, draft.files)
    return Filed(complaint, code, replayed=False)


def register_by_staff(officer: User, draft: Draft, form_token: str, received_on: dt.date,
                      now: dt.datetime | None = None) -> Filed:
    """File a complaint an officer took by phone, letter, visit or the hotline, in their own
    jurisdiction only, and record who registered it and when it arrived."""
    if not accounts.covers(officer, draft.region_code):
        raise OutsideJurisdiction(draft.region_code)
    filed = file_complaint(draft, form_token, received_on, now)
    audit.record(f"user:{officer.id}", "complaint.registered_by_staff", "complaint", filed.complaint.id,
                 after={"source": draft.source.value, "received_on": str(received_on)})
    return filed


def _new_complaint(draft: Draft, code: str, form_token: str, received_on: dt.date, now: dt.datetime) -> Complaint:
    due = deadlines.add_period(received_on, deadlines.rule("acceptance", draft.region_code, now))
    return Complaint(
        case_number=next_case_number(draft.region_code, received_on),
        receipt_digest=receipts.digest(code, crypto.pepper()), receipt_pepper=crypto.pepper_version(),
        form_token_digest=token_digest(form_token),
        receipt_replay=crypto.derived_box(form_token, REPLAY_PURPOSE).encrypt(code.encode()),
        form_digest=form_digest(draft),
        source=draft.source, category=draft.category,
        institution_id=draft.institution_id, institution_name=draft.institution_name,
        institution_address=draft.institution_address, region_code=draft.region_code,
        description=draft.description, occurred_on=draft.occurred_on, ongoing=draft.ongoing,
        anonymous=draft.identity is None,
        reporter_sealed=crypto.seal_identity(draft.identity.as_dict()) if draft.identity else None,
        reporter_digest=finality.reporter_digest(draft.identity.phone) if draft.identity else None,
        notify_channel=draft.notify_channel if draft.identity and draft.notify_contact else None,
        notify_contact_encrypted=crypto.encrypt_text(draft.notify_contact)
        if draft.identity and draft.notify_channel and draft.notify_contact else None,
        received_on=received_on, acceptance_due=due.day, due_provisional=due.provisional,
        handling_region_code=draft.region_code, next_due=due.day,
        mediation_requested=draft.mediation, mediation_name_shared=draft.mediation_name_shared,
        mediation_name_encrypted=crypto.encrypt_text(draft.identity.name)
        if draft.mediation_name_shared and draft.identity else None,
    )


def _record_registration(complaint: Complaint, files: list[CleanFile]) -> None:
    event = ComplaintEvent(complaint_id=complaint.id, kind=EventKind.REGISTERED, public=True)
    db.session.add(event)
    db.session.flush()
    store_files(complaint, event, files)
    # Facts about the case only: never the identity, the story or the receipt.
    audit.record(reporter_actor(complaint), "complaint.registered", "complaint", complaint.id,
                 after={"case_number": complaint.case_number, "status": complaint.status.value,
                        "source": complaint.source.value, "files": len(files)})
    # The office's handlers, or the offices above when it has none; mail leaves only after the commit.
    escalation.case_arrived(complaint)


def reporter_actor(complaint: Complaint) -> str:
    """How the audit trail names a reporter: by role and case, never by person."""
    return f"reporter:{complaint.case_number}"


def store_files(complaint: Complaint, event: ComplaintEvent, files: list[CleanFile]) -> None:
    """Encrypt and attach cleaned files to a timeline entry, numbered across the case."""
    taken = db.session.scalar(
        select(func.count()).select_from(Attachment).where(Attachment.complaint_id == complaint.id))
    for number, clean in enumerate(files, start=taken + 1):
        sealed = crypto.encrypt_file(clean.data)
        db.session.add(Attachment(
            complaint_id=complaint.id, event_id=event.id, media_type=clean.media_type,
            filename=f"evidence-{number}.{EXTENSIONS[clean.kind]}", size=len(clean.data),
            ciphertext=sealed.ciphertext, wrapped_key=sealed.wrapped_key))
    db.session.flush()
