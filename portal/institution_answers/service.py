"""Institutions answer a dispute online without an account: staff send the institution's registered
contact a one-time link (a text message or an email, through the outbox); the link opens the
dispute's facts as staff wrote them, without the parent's identity, and takes one answer — the
institution's position, a refund it proposes, its documents.

The token is only in the message: the portal keeps a keyed hash of it. A link is open for
`INSTITUTION_LINK_DAYS` calendar days, until its answer is given, or until a newer link is sent for
the case; every visit is audited by link, never with the token."""
from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from portal import clock, workflow
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework.models import Category, Complaint, Status
from portal.errors import Conflict, Invalid, NotAllowed, NotFound
from portal.extensions import db
from portal.identifiers import ID_PATTERN, MOBILE_PATTERN
from portal.institution_answers import messages
from portal.institution_answers.models import AnswerDocument, AnswerLink, Channel, InstitutionAnswer
from portal.institutions.models import Institution
from portal.notifications import mail
from portal.security import audit, crypto
from portal.security.attachments import CleanFile

# The disputes between a parent and an institution: fees and refunds, and whatever a parent brought
# to the mediation track (a contract dispute filed as "something else", prepaid fees outside supervision).
DISPUTES = (Category.FEES_REFUNDS,)


def is_dispute(complaint: Complaint) -> bool:
    return complaint.category in DISPUTES or complaint.mediation_requested
OPEN = (Status.REGISTERED, Status.ACCEPTED, Status.IN_PROGRESS)
SENDERS = (Role.HANDLER, Role.ADMIN)
PURPOSE = b"institution-answer-link:"
LONG_NUMBER = re.compile(r"\d{7,}")  # an account, contract or telephone number
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "pdf": "pdf"}


class NotADispute(NotAllowed):
    """Links go out only on an open dispute of the sender's office, by a handler not recused from it."""


class NoContact(Invalid):
    """The institution has no registered contact for this channel (args[0]: the channel)."""


class ChannelOff(NotAllowed):
    """Mail is not configured (PORTAL_MAIL_SERVER): an email link would never leave."""


class LinkNotFound(NotFound):
    """No link with this token for this case."""


class LinkClosed(Conflict):
    """The link was used, replaced or has expired (`reason`: "answered", "replaced" or "expired")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Proposal:
    """A refund the institution proposes: how much, by when, and how it will be paid."""

    amount: Decimal
    on: dt.date
    how: str


def link_days() -> int:
    """How many calendar days a link stays open (`PORTAL_INSTITUTION_LINK_DAYS`)."""
    return int(current_app.config["INSTITUTION_LINK_DAYS"])


def contact(institution: Institution | None, channel: Channel) -> str:
    """The registered contact's mobile number or email for the channel ("" when there is none)."""
    if institution is None:
        return ""
    return institution.contact_mobile if channel is Channel.SMS else institution.contact_email


def facts_draft(description: str) -> str:
    """The parent's description as a first draft of the facts: numbers that may identify someone masked."""
    for pattern in (ID_PATTERN, MOBILE_PATTERN, LONG_NUMBER):
        description = pattern.sub("***", description)
    return description


def may_send(complaint: Complaint, user: User) -> bool:
    """Whether this officer may send the institution a link on this case now."""
    return (user.active and user.role in SENDERS and is_dispute(complaint)
            and complaint.status in OPEN and complaint.institution_id is not None
            and accounts.covers(user, complaint.handling_region_code)
            and not workflow.vetoed(user, "complaint", complaint))


def send_link(complaint: Complaint, user: User, channel: Channel, facts: str,
              now: dt.datetime | None = None) -> AnswerLink:
    """A new one-time link for the case's institution, put in the outbox to its registered contact;
    links sent before on the case close. `facts` is what the institution reads."""
    if not may_send(complaint, user):
        raise NotADispute(complaint.id)
    address = contact(complaint.institution, channel)
    if not address:
        raise NoContact(channel.value)
    if channel is Channel.EMAIL and not mail.enabled():
        raise ChannelOff(channel.value)
    now = now or clock.now()
    db.session.execute(update(AnswerLink).where(
        AnswerLink.complaint_id == complaint.id, AnswerLink.answered_at.is_(None),
        AnswerLink.replaced_at.is_(None)).values(replaced_at=now))
    token = secrets.token_urlsafe(32)
    link = AnswerLink(complaint_id=complaint.id, institution_id=complaint.institution_id,
                      token_digest=crypto.keyed_hash(PURPOSE, token), channel=channel, facts=facts,
                      sent_by_id=user.id, created_at=now, expires_at=now + dt.timedelta(days=link_days()))
    db.session.add(link)
    db.session.flush()
    messages.send(channel, address, complaint, messages.path(complaint.case_number, token), link.expires_at)
    audit.record(f"user:{user.id}", "institution_answer.link_sent", "complaint", complaint.id, at=now,
                 after={"link": link.id, "channel": channel.value, "expires_at": link.expires_at.isoformat()})
    return link


def find(case_number: str, token: str) -> AnswerLink:
    """The link this token opens on this case; another case's token, or none, is not found."""
    if not token or len(token) > 100 or len(case_number) > 24:
        raise LinkNotFound(case_number)
    link = db.session.scalar(select(AnswerLink).join(Complaint, Complaint.id == AnswerLink.complaint_id).where(
        AnswerLink.token_digest.in_(crypto.keyed_hashes(PURPOSE, token)), Complaint.case_number == case_number))
    if link is None:
        raise LinkNotFound(case_number)
    return link


def state(link: AnswerLink, now: dt.datetime | None = None) -> str:
    """"open", or why it is closed: "answered", "replaced" or "expired"."""
    if link.answered_at is not None:
        return "answered"
    if link.replaced_at is not None:
        return "replaced"
    return "expired" if (now or clock.now()) >= link.expires_at else "open"


def visited(link: AnswerLink, method: str, now: dt.datetime | None = None) -> str:
    """Audit a visit to the link's page (by link, never the token); gives the link's state."""
    now = now or clock.now()
    found = state(link, now)
    audit.record(f"institution:{link.institution_id}", "institution_answer.link_visited", "complaint",
                 link.complaint_id, at=now, after={"link": link.id, "method": method, "state": found})
    return found


def answer(link: AnswerLink, position: str, proposal: Proposal | None, files: list[CleanFile],
           now: dt.datetime | None = None) -> InstitutionAnswer:
    """Keep the institution's answer and its documents; the link is used up."""
    now = now or clock.now()
    found = state(link, now)
    if found != "open":
        raise LinkClosed(found)
    given = InstitutionAnswer(complaint_id=link.complaint_id, link_id=link.id, position=position,
                              refund_amount=proposal.amount if proposal else None,
                              refund_on=proposal.on if proposal else None,
                              refund_how=proposal.how if proposal else "", created_at=now)
    db.session.add(given)
    db.session.flush()
    for number, clean in enumerate(files, start=1):
        sealed = crypto.encrypt_file(clean.data)
        db.session.add(AnswerDocument(answer_id=given.id, filename=f"institution-{number}.{EXTENSIONS[clean.kind]}",
                                      media_type=clean.media_type, size=len(clean.data),
                                      ciphertext=sealed.ciphertext, wrapped_key=sealed.wrapped_key))
    link.answered_at = now
    db.session.flush()
    audit.record(f"institution:{link.institution_id}", "institution_answer.answered", "complaint",
                 link.complaint_id, at=now,
                 after={"link": link.id, "answer": given.id, "documents": len(files),
                        "refund_amount": str(proposal.amount) if proposal else None,
                        "refund_on": proposal.on.isoformat() if proposal else None})
    return given


def answers(complaint: Complaint) -> list[InstitutionAnswer]:
    """The institution's answers on the case, newest first, documents loaded."""
    return list(db.session.scalars(select(InstitutionAnswer).options(selectinload(InstitutionAnswer.documents))
                                   .where(InstitutionAnswer.complaint_id == complaint.id)
                                   .order_by(InstitutionAnswer.id.desc())))


def links(complaint: Complaint) -> list[AnswerLink]:
    """The links sent on the case, newest first, with who sent them."""
    return list(db.session.scalars(select(AnswerLink).options(selectinload(AnswerLink.sent_by))
                                   .where(AnswerLink.complaint_id == complaint.id).order_by(AnswerLink.id.desc())))


def document(complaint: Complaint, document_id: int) -> tuple[AnswerDocument, bytes]:
    """One document of the case's answers, decrypted; another case's is not found."""
    found = db.session.scalar(select(AnswerDocument).join(InstitutionAnswer).where(
        AnswerDocument.id == document_id, InstitutionAnswer.complaint_id == complaint.id)) \
        if 0 < document_id < 2**31 else None
    if found is None:
        raise LinkNotFound(document_id)
    return found, crypto.decrypt_file(crypto.Sealed(found.ciphertext, found.wrapped_key))


def panel(complaint: Complaint, user: User) -> dict | None:
    """The case page's panel: the links sent, their state, the answers; None on a case that is no dispute."""
    if not is_dispute(complaint):
        return None
    institution = complaint.institution
    return {"links": links(complaint), "answers": answers(complaint), "state": state,
            "may_send": may_send(complaint, user),
            "contacts": {channel: bool(contact(institution, channel)) for channel in Channel}}
