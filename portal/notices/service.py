"""Issuing written notices: at the step that calls for one, a notice is composed from the case once,
numbered, stored whole with its SHA-256 (also in the audit trail) and never composed again.

`on_step` is registered with the workflow engine (`workflow.add_listener`): whenever a step is taken
on any record, the kinds whose trigger it is are issued in the step's transaction.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.casework.models import Complaint
from portal.errors import NotFound
from portal.extensions import db
from portal.notices import kinds, offices
from portal.notices.models import Notice
from portal.security import audit
from portal.workflow import Moved

SEAL = "（印章）"
ADDRESSEE = "投诉举报人（投诉举报编号：{case_number}）："
PENDING_NUMBER = "（签发时编号）"
ISSUED = "portal.notice_issued_listeners"
# What the reply's page says besides its words (行政复议 and 行政诉讼 named): set around the step.
_reply_options: ContextVar[dict] = ContextVar("notice_reply_options", default={})


class NoticeNotFound(NotFound):
    """No such notice on this case (or the case is not the asker's to see)."""


@contextlib.contextmanager
def reply_options(**options: Any) -> Iterator[None]:
    """The options of the reply issued by the step taken inside (`administrative`)."""
    token = _reply_options.set(options)
    try:
        yield
    finally:
        _reply_options.reset(token)


def compose(kind: kinds.Kind, facts: kinds.Facts, number: str, day: dt.date) -> str:
    """The whole document: authority, title, number; addressee; body; authority, seal place, date."""
    head = [facts.authority, kind.title, number, "", ADDRESSEE.format(case_number=facts.complaint.case_number)]
    return "\n".join(head + [kind.body(facts), "", facts.authority, SEAL, kinds.cn_date(day)])


@dataclass(frozen=True)
class Layout:
    """A stored text in its parts, for the page and the PDF (read from the text, nothing else)."""

    authority: str
    title: str
    number: str
    addressee: str
    body: list[str]
    signature: list[str]


def layout(text: str) -> Layout:
    lines = text.split("\n")
    return Layout(lines[0], lines[1], lines[2], lines[4], lines[5:-4], lines[-3:])


def facts_for(complaint: Complaint, record: Any, moved: Moved, office: str, **options: Any) -> kinds.Facts:
    settings = offices.settings_for(office)
    return kinds.Facts(complaint, record, moved, settings.authority, offices.superior(office),
                       offices.government(office), **options)


def issue(kind: kinds.Kind, facts: kinds.Facts, office: str, actor: User | None, now: dt.datetime) -> Notice:
    """Number, compose and store the notice; its hash goes into the audit trail (object "notice")."""
    settings = offices.settings_for(office)
    day = clock.local_date(now)
    seq = offices.next_seq(office, day.year)
    number = kinds.number(settings.number_pattern, settings.short_name, day.year, seq, kind)
    text = compose(kind, facts, number, day)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    notice = Notice(complaint_id=facts.complaint.id, kind=kind.name, region_code=office, authority=facts.authority,
                    title=kind.title, number=number, issued_on=day, issued_at=now, text=text, sha256=digest,
                    issued_by_id=actor.id if actor else None)
    db.session.add(notice)
    db.session.flush()
    audit.record(f"user:{actor.id}" if actor else "system", "notice.issued", "notice", notice.id, at=now,
                 after={"complaint": facts.complaint.id, "kind": kind.name, "number": number, "sha256": digest})
    for listener in current_app.extensions.get(ISSUED, ()) if has_app_context() else ():
        listener(notice, facts.complaint)
    return notice


def add_issued_listener(app: Flask, listener: Callable[[Notice, Complaint], None]) -> None:
    """Register what a feature does with each notice as it is issued (in the issuing transaction):
    `portal.letters` sends it to the reporter by the channel they chose."""
    app.extensions.setdefault(ISSUED, []).append(listener)


def _case_of(object_type: str, record: Any) -> Complaint | None:
    if isinstance(record, Complaint):
        return record
    complaint_id = getattr(record, "complaint_id", None)
    return db.session.get(Complaint, complaint_id) if complaint_id else None


def on_step(object_type: str, record: Any, moved: Moved, actor: User) -> None:
    """The workflow engine's listener: issue every kind this step triggers (in the step's transaction)."""
    found = kinds.for_step(object_type, moved.step.name)
    complaint = _case_of(object_type, record) if found else None
    if complaint is None:
        return
    office = None if isinstance(record, Complaint) else \
        getattr(record, "office_code", None) or getattr(record, "region_code", None)
    office = office or complaint.handling_region_code
    facts = facts_for(complaint, record, moved, office, **_reply_options.get())
    for kind in found:
        if kind.applies(facts):
            issue(kind, facts, office, actor, moved.at)


def for_case(complaint: Complaint) -> list[Notice]:
    """The case's notices, in the order they were issued."""
    return list(db.session.scalars(select(Notice).where(Notice.complaint_id == complaint.id).order_by(Notice.id)))


def on_case(complaint: Complaint, notice_id: int) -> Notice:
    """One of the case's notices; another case's is not found."""
    found = db.session.scalar(select(Notice).where(Notice.id == notice_id, Notice.complaint_id == complaint.id)) \
        if 1 <= notice_id <= 2**31 - 1 else None
    if found is None:
        raise NoticeNotFound(notice_id)
    return found


def intact(notice: Notice) -> bool:
    """Whether the stored text still has the hash recorded in the audit trail when it was issued."""
    digest = hashlib.sha256(notice.text.encode("utf-8")).hexdigest()
    recorded = [json.loads(record.after).get("sha256") for record in audit.for_object("notice", notice.id)
                if record.action == "notice.issued"]
    return digest == notice.sha256 and recorded == [digest]


def label(notice: Notice) -> str:
    """The notice's kind in the interface's language (its printed title when the kind is gone)."""
    kind = kinds.get(notice.kind)
    return str(kind.label) if kind else notice.title
