"""Online credit-repair applications: a penalised party finds its published decision by number and
USCC, sends what it did and proof files (cleaned and encrypted like complaint evidence), and
follows the application with a receipt code; staff decide it on the disclosure's repair page
with reasons the party reads. Services flush, never commit."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal import clock
from portal.credit_repair.models import ApplicationState, RepairApplication, RepairProof
from portal.disclosures.models import Disclosure, DisclosureState
from portal.disclosures.queries import visible
from portal.errors import Conflict, NotFound
from portal.extensions import db
from portal.intake.filing import EXTENSIONS
from portal.security import audit, crypto, receipts
from portal.security.attachments import CleanFile


class DecisionNotFound(NotFound):
    """No published decision in its period has this number and code (the same answer for both)."""


class ApplicationPending(Conflict):
    """An application for this decision is waiting for its decision already."""


class ApplicationNotFound(NotFound):
    """No application for this receipt code."""


def find_decision(decision_number: str, uscc: str, today: dt.date) -> Disclosure:
    found = db.session.scalar(select(Disclosure).where(
        Disclosure.decision_number == decision_number, Disclosure.uscc == uscc,
        Disclosure.state == DisclosureState.PUBLISHED, visible(today)))
    if found is None:
        raise DecisionNotFound(decision_number)
    return found


def pending(disclosure: Disclosure) -> list[RepairApplication]:
    """Applications for the decision waiting for their decision, oldest first."""
    return list(db.session.scalars(select(RepairApplication).where(
        RepairApplication.disclosure_id == disclosure.id, RepairApplication.outcome == ApplicationState.SUBMITTED)
        .order_by(RepairApplication.id)))


def for_disclosure(disclosure: Disclosure) -> list[RepairApplication]:
    return list(db.session.scalars(select(RepairApplication).where(RepairApplication.disclosure_id == disclosure.id)
                                   .order_by(RepairApplication.id)))


def proofs(application: RepairApplication) -> list[RepairProof]:
    return list(db.session.scalars(select(RepairProof).where(RepairProof.application_id == application.id)
                                   .order_by(RepairProof.id)))


def apply(decision_number: str, uscc: str, statement: str, files: list[CleanFile],
          now: dt.datetime | None = None) -> tuple[RepairApplication, str]:
    """File an application; returns it and the receipt code, shown once."""
    now = now or clock.now()
    disclosure = find_decision(decision_number, uscc, clock.local_date(now))
    if pending(disclosure):
        raise ApplicationPending(disclosure.id)
    code = receipts.generate()
    application = RepairApplication(disclosure_id=disclosure.id, statement=statement.strip(), created_at=now,
                                    receipt_digest=receipts.digest(code, crypto.pepper()),
                                    receipt_pepper=crypto.pepper_version(),
                                    outcome=ApplicationState.SUBMITTED)
    db.session.add(application)
    db.session.flush()
    for number, clean in enumerate(files, start=1):
        sealed = crypto.encrypt_file(clean.data)
        db.session.add(RepairProof(application_id=application.id, media_type=clean.media_type,
                                   filename=f"proof-{number}.{EXTENSIONS[clean.kind]}", size=len(clean.data),
                                   ciphertext=sealed.ciphertext, wrapped_key=sealed.wrapped_key, created_at=now))
    db.session.flush()
    audit.record("party", "disclosure.repair_applied", "disclosure", disclosure.id, at=now,
                 after={"application": application.id, "proofs": len(files)})
    return application, code


def track(code: str | None) -> RepairApplication:
    """The application for a receipt code (ApplicationNotFound otherwise)."""
    normal = receipts.normalise(code)
    if normal is None:
        raise ApplicationNotFound("code")
    found = db.session.scalar(select(RepairApplication).where(
        RepairApplication.receipt_digest.in_(receipts.digests(normal, crypto.peppers()))))
    if found is None:
        raise ApplicationNotFound("code")
    return found


def settle(application: RepairApplication, actor_id: int, approved: bool, reasons: str, at: dt.datetime) -> None:
    """Close an application with the staff decision (inside the "repair" step's change)."""
    application.outcome = ApplicationState.APPROVED if approved else ApplicationState.REFUSED
    application.decided_at, application.decided_by_id, application.reasons = at, actor_id, reasons


class ProofNotFound(NotFound):
    """No such proof file among the disclosure's applications."""


def proof_of(disclosure: Disclosure, proof_id: int) -> RepairProof:
    found = db.session.get(RepairProof, proof_id) if 1 <= proof_id <= 2**31 - 1 else None
    application = db.session.get(RepairApplication, found.application_id) if found is not None else None
    if application is None or application.disclosure_id != disclosure.id:
        raise ProofNotFound(proof_id)
    return found


def open_proof(proof: RepairProof, actor) -> bytes:
    """The proof file's content; the viewing is audited."""
    audit.record(f"user:{actor.id}", "disclosure.repair_proof_viewed", "disclosure",
                 db.session.get(RepairApplication, proof.application_id).disclosure_id, after={"proof": proof.id})
    return crypto.decrypt_file(crypto.Sealed(proof.ciphertext, proof.wrapped_key))
