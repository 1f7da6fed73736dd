"""The written reply's way out: the officer previews the document as it will be issued and confirms
it; where the office wants a second sign-off (a per-office setting), the confirmed reply waits until
another certified officer — never its author — signs it off, and only then is the step taken and
the document issued. Nothing reaches the reporter before."""
from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.accounts.models import User
from portal.casework import service as casework
from portal.casework.models import Complaint
from portal.errors import Conflict, NotAllowed, NotFound
from portal.extensions import db
from portal.notices import kinds, offices, service
from portal.notices.models import DraftState, ReplyDraft
from portal.security import audit
from portal.workflow import Moved, ReasonRequired


class ReplyWaiting(Conflict):
    """A reply already waits for its second sign-off on this case."""


class DraftClosed(Conflict):
    """The reply was signed off or returned a moment ago."""


class ChangedSinceSeen(Conflict):
    """The document would differ from the one the officer read (the case or the settings changed)."""


class OwnReply(NotAllowed):
    """The author of a reply never signs it off."""


class NoDraft(NotFound):
    """No reply waits on this case."""


def reply_kind(complaint: Complaint, step: str) -> kinds.Kind:
    """The document a reply step issues: 答复意见书, or 复查意见书 / 复核意见书 by the case's stage."""
    moved = Moved(casework.TRANSITIONS[step], complaint.status, complaint.status, "", clock.now())
    facts = service.facts_for(complaint, complaint, moved, complaint.handling_region_code)
    return next(kind for kind in kinds.for_step("complaint", step) if kind.applies(facts))


def preview(complaint: Complaint, step: str, actor: User, text: str, administrative: bool,
            now: dt.datetime | None = None) -> str:
    """The document as it will be issued today (its number is given when it is issued); refuses an
    officer who may not take the step."""
    casework.FLOW.check(actor, complaint, step)
    now = now or clock.now()
    moved = Moved(casework.TRANSITIONS[step], complaint.status, complaint.status, (text or "").strip(), now)
    facts = service.facts_for(complaint, complaint, moved, complaint.handling_region_code,
                              administrative=administrative)
    return service.compose(reply_kind(complaint, step), facts, service.PENDING_NUMBER, clock.local_date(now))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def waiting(complaint: Complaint, for_update: bool = False) -> ReplyDraft | None:
    """The reply waiting for its second sign-off on the case (locked with `for_update`), with its author."""
    query = select(ReplyDraft).where(ReplyDraft.complaint_id == complaint.id, ReplyDraft.state == DraftState.WAITING) \
        .options(selectinload(ReplyDraft.drafted_by))
    return db.session.scalar(query.with_for_update() if for_update else query)


def _issue(complaint: Complaint, step: str, actor: User, text: str, administrative: bool, now: dt.datetime) -> None:
    with service.reply_options(administrative=administrative):
        casework.apply(complaint, step, actor, text, now=now)


def confirm(complaint: Complaint, step: str, actor: User, text: str, administrative: bool, seen: str,
            now: dt.datetime | None = None) -> ReplyDraft | None:
    """The author confirms the reply they previewed (`seen`: its digest): issued now, or, where the
    office wants a second sign-off, kept waiting (returned)."""
    now = now or clock.now()
    if step not in kinds.REPLY_STEPS:
        raise casework.StepNotAllowed(step)
    if waiting(complaint, for_update=True) is not None:
        raise ReplyWaiting(complaint.id)
    if not (text or "").strip():
        raise ReasonRequired(step)
    if digest(preview(complaint, step, actor, text, administrative, now)) != seen:
        raise ChangedSinceSeen(complaint.id)
    if not offices.settings_for(complaint.handling_region_code).second_signoff:
        _issue(complaint, step, actor, text, administrative, now)
        return None
    draft = ReplyDraft(complaint_id=complaint.id, step=step, text=text.strip(), administrative=administrative,
                       drafted_by_id=actor.id, created_at=now)
    db.session.add(draft)
    db.session.flush()
    audit.record(f"user:{actor.id}", "notice.reply_submitted", "complaint", complaint.id, at=now,
                 after={"draft": draft.id, "step": step})
    return draft


def draft_preview(draft: ReplyDraft, complaint: Complaint, now: dt.datetime | None = None) -> str:
    """The waiting reply as it would be issued now (whoever looks; the signer is checked on signing)."""
    now = now or clock.now()
    moved = Moved(casework.TRANSITIONS[draft.step], complaint.status, complaint.status, draft.text, now)
    facts = service.facts_for(complaint, complaint, moved, complaint.handling_region_code,
                              administrative=draft.administrative)
    return service.compose(reply_kind(complaint, draft.step), facts, service.PENDING_NUMBER, clock.local_date(now))


def may_sign_off(draft: ReplyDraft, complaint: Complaint, user: User) -> bool:
    return user.id != draft.drafted_by_id and casework.FLOW.may(user, complaint, draft.step)


def sign_off(draft: ReplyDraft, complaint: Complaint, actor: User, seen: str, now: dt.datetime | None = None) -> None:
    """Another certified officer who may take the step signs the reply off: the step is taken in
    their name and the document issued."""
    now = now or clock.now()
    if draft.state is not DraftState.WAITING:
        raise DraftClosed(draft.id)
    if actor.id == draft.drafted_by_id:
        raise OwnReply(draft.id)
    if digest(draft_preview(draft, complaint, now)) != seen:
        raise ChangedSinceSeen(complaint.id)
    _issue(complaint, draft.step, actor, draft.text, draft.administrative, now)  # the engine checks the signer
    draft.state, draft.decided_by_id, draft.decided_at = DraftState.ISSUED, actor.id, now
    db.session.flush()
    audit.record(f"user:{actor.id}", "notice.reply_signed_off", "complaint", complaint.id, at=now,
                 after={"draft": draft.id, "author": f"user:{draft.drafted_by_id}"})


def return_draft(draft: ReplyDraft, complaint: Complaint, actor: User, note: str,
                 now: dt.datetime | None = None) -> None:
    """The author withdraws the waiting reply, or an officer who could sign it off sends it back
    (with the reason); the case stays as it is and a new reply may be written."""
    now = now or clock.now()
    if draft.state is not DraftState.WAITING:
        raise DraftClosed(draft.id)
    own = actor.id == draft.drafted_by_id
    if not own:
        casework.FLOW.check(actor, complaint, draft.step)
        if not (note or "").strip():
            raise ReasonRequired("return")
    draft.state, draft.decided_by_id, draft.decided_at = DraftState.RETURNED, None if own else actor.id, now
    draft.note = (note or "").strip()
    db.session.flush()
    audit.record(f"user:{actor.id}", "notice.reply_returned", "complaint", complaint.id, at=now,
                 after={"draft": draft.id}, reason=draft.note)
