"""Receipt recovery: a named reporter who lost the 查询码 gives the mobile number they filed with and
the case number; a one-time code sent by SMS proves the phone; a new 查询码 replaces the old one.

The phone is matched without opening the identity: `complaints.reporter_digest` holds a keyed hash
of the number's digits as filed (portal/finality/service.py), and the number typed here is hashed
in the forms a person may have written it in (13912345678, 8613912345678, 008613912345678). A
challenge is made for every request, matched or not, and the page says the same either way; only a
matched one sends a text. The code is six digits, valid `CODE_VALID`, stored only as a keyed hash,
and `MAX_ATTEMPTS` wrong tries end the challenge. Every step is audited — never the phone or the code.
"""
from __future__ import annotations

import datetime as dt
import hmac
import secrets
import unicodedata
from dataclasses import dataclass

from nacl.exceptions import CryptoError
from sqlalchemy import delete, select

from portal.casework.models import Complaint, TrackingGrant
from portal.extensions import db
from portal.finality.service import reporter_digest
from portal.intake import filing
from portal.intake.filing import reporter_actor
from portal.notifications.sms import mainland_mobile, queue_sms
from portal.receipt_recovery.models import RecoveryChallenge
from portal.security import audit, crypto, receipts

CODE_VALID = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
CODE_PURPOSE = b"receipt-recovery-code:"
TOKEN_PURPOSE = b"receipt-recovery-token:"
PHONE_PURPOSE = b"receipt-recovery-phone:"
ACTOR = "public"  # until the code proves the phone; then the reporter (`reporter:<case number>`)


class CodeNotAccepted(Exception):
    """Wrong, expired or used up: the browser must ask again. `reason` is for the audit trail."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Recovered:
    complaint: Complaint
    receipt: str  # the new code, canonical; shown once, never stored in the clear


def normalise_case_number(text: str | None) -> str:
    """A case number as typed (full-width digits, spaces), in its stored form."""
    typed = unicodedata.normalize("NFKC", (text or "")[:40])
    return "".join(typed.split()).upper()


def _phone_digests(phone: str) -> list[str]:
    """The keyed hashes a named reporter's number may have been stored under (as typed at filing)."""
    return [digest for form in (phone, "86" + phone, "0086" + phone) if (digest := reporter_digest(form))]


def _find(phone: str | None, case_number: str) -> Complaint | None:
    if phone is None or not case_number:
        return None
    return db.session.scalar(select(Complaint).where(
        Complaint.case_number == case_number, Complaint.anonymous.is_(False),
        Complaint.reporter_digest.in_(_phone_digests(phone))))


def _code_digests(token: str, code: str) -> list[str]:
    return crypto.keyed_hashes(CODE_PURPOSE, f"{token}:{code}")


def _token_digests(token: str) -> list[str]:
    return crypto.keyed_hashes(TOKEN_PURPOSE, token)


def ask(phone_typed: str, case_number_typed: str, now: dt.datetime) -> str:
    """Start a recovery; returns the token the browser's session keeps. A text with a code goes to
    the number only when it and the case number match a named case; the caller answers the same."""
    db.session.execute(delete(RecoveryChallenge).where(RecoveryChallenge.expires_at < now))
    phone = mainland_mobile(phone_typed)
    complaint = _find(phone, normalise_case_number(case_number_typed))
    token, code = secrets.token_urlsafe(32), f"{secrets.randbelow(10 ** 6):06d}"
    challenge = RecoveryChallenge(
        token_digest=_token_digests(token)[0], complaint_id=complaint.id if complaint else None,
        code_digest=_code_digests(token, code)[0], created_at=now, expires_at=now + CODE_VALID,
        phone_sealed=crypto.derived_box(token, PHONE_PURPOSE).encrypt(phone.encode()) if complaint else None)
    db.session.add(challenge)
    db.session.flush()
    if complaint is not None:
        queue_sms(phone, "code", {"code": code}, complaint.region_code)
        audit.record(ACTOR, "receipt_recovery.asked", "complaint", complaint.id,
                     after={"case_number": complaint.case_number, "challenge": challenge.id})
    else:
        audit.record(ACTOR, "receipt_recovery.asked", "receipt_recovery", challenge.id, after={"matched": False})
    return token


def pending(token: str | None, now: dt.datetime) -> bool:
    """Whether this browser has a recovery waiting for its code."""
    return _challenge(token, now) is not None


def _challenge(token: str | None, now: dt.datetime) -> RecoveryChallenge | None:
    if not token:
        return None
    challenge = db.session.scalar(select(RecoveryChallenge).where(
        RecoveryChallenge.token_digest.in_(_token_digests(token))))
    return challenge if challenge is not None and challenge.expires_at >= now else None


def confirm(token: str | None, code_typed: str, now: dt.datetime) -> Recovered:
    """Check the code; on success a new 查询码 replaces the old one, open case pages close, the
    reporter is told by SMS. Raises CodeNotAccepted (the same for every kind of failure)."""
    challenge = _challenge(token, now)
    if challenge is None:
        raise CodeNotAccepted("expired")
    code = "".join(unicodedata.normalize("NFKC", code_typed or "")[:20].split())
    challenge.attempts += 1
    right = any(hmac.compare_digest(challenge.code_digest, digest) for digest in _code_digests(token, code))
    object_type, object_id = (("complaint", challenge.complaint_id) if challenge.complaint_id
                              else ("receipt_recovery", challenge.id))
    if not right or challenge.complaint_id is None:
        used_up = challenge.attempts >= MAX_ATTEMPTS
        audit.record(ACTOR, "receipt_recovery.failed", object_type, object_id,
                     after={"attempt": challenge.attempts, "ended": used_up})
        if used_up:
            db.session.delete(challenge)
        raise CodeNotAccepted("used up" if used_up else "wrong")
    complaint = db.session.scalar(select(Complaint).where(Complaint.id == challenge.complaint_id).with_for_update())
    phone = _open_phone(token, challenge.phone_sealed)
    new = receipts.generate()
    complaint.receipt_digest, complaint.receipt_pepper = receipts.digest(new, crypto.pepper()), crypto.pepper_version()
    complaint.receipt_replay = None  # the old receipt can no longer be shown again either
    db.session.execute(delete(TrackingGrant).where(TrackingGrant.complaint_id == complaint.id))
    db.session.delete(challenge)
    audit.record(reporter_actor(complaint), "receipt_recovery.succeeded", "complaint", complaint.id,
                 after={"case_number": complaint.case_number})
    if phone:
        queue_sms(phone, "recovered", {"case_number": complaint.case_number}, complaint.region_code)
    db.session.flush()
    return Recovered(complaint, new)


def _open_phone(token: str, sealed: bytes | None) -> str | None:
    for box in crypto.derived_boxes(token, PHONE_PURPOSE):
        try:
            return box.decrypt(sealed).decode()
        except (CryptoError, TypeError):
            continue
    return None


def shown_again(form_token: str, now: dt.datetime) -> filing.Filed | None:
    """The receipt of the complaint filed with this form while it is kept for a retry; else None."""
    complaint = filing.find_by_form_token(form_token) if form_token else None
    if complaint is None or complaint.receipt_replay is None or now - complaint.created_at > filing.REPLAY_WINDOW:
        return None
    for box in crypto.derived_boxes(form_token, filing.REPLAY_PURPOSE):
        try:
            return filing.Filed(complaint, box.decrypt(complaint.receipt_replay).decode(), replayed=False)
        except (CryptoError, TypeError):
            continue
    return None
