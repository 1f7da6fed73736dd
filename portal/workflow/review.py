"""One review-and-publish procedure on the workflow engine, shared by disclosures and typical cases:
its steps (`review_steps`), its columns (`ReviewedMixin`), its service functions (`submit`,
`review`, `withdraw`) and the page helpers their thin views call (`ReviewPages`)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from flask import abort, flash, redirect, url_for
from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portal.accounts.models import Role, User
from portal.db import UTCDateTime
from portal.workflow import Moved, OwnWork, Step, Workflow, step


def review_steps(S: type[Enum], drafters: Iterable[Role], reviewers: Iterable[Role],
                 certificate: bool = False) -> list[Step]:
    """Draft → review by someone other than the drafter → published → withdrawn with a reason;
    the states are `S.DRAFT`, `IN_REVIEW`, `RETURNED`, `PUBLISHED`, `WITHDRAWN`."""
    editable = {S.DRAFT, S.RETURNED}
    return [step("edit", editable, None, drafters),
            step("submit", editable, S.IN_REVIEW, drafters),
            step("approve", {S.IN_REVIEW}, S.PUBLISHED, reviewers, certificate=certificate, other_than_author=True),
            step("return", {S.IN_REVIEW}, S.RETURNED, reviewers, certificate=certificate, other_than_author=True,
                 reason=True),
            step("withdraw", {S.PUBLISHED}, S.WITHDRAWN, drafters, reason=True)]


def drafter(record: Any) -> set[int]:
    """The author of a reviewed record, who may not review it."""
    return {record.drafter_id}


class ReviewedMixin:
    """The review-and-publish columns of a record drafted by one person and reviewed by another."""

    drafter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    @declared_attr
    def drafter(cls) -> Mapped[User]:
        return relationship(lazy="raise", foreign_keys=lambda: [cls.drafter_id])

    @declared_attr
    def reviewer(cls) -> Mapped[User | None]:
        return relationship(lazy="raise", foreign_keys=lambda: [cls.reviewer_id])


def reviewer_not_drafter() -> CheckConstraint:
    """The table constraint that keeps the four eyes: nobody reviews their own draft."""
    return CheckConstraint("reviewer_id IS NULL OR reviewer_id <> drafter_id", name="reviewer_not_drafter")


def submit(flow: Workflow, record: Any, actor: User, now: dt.datetime | None = None) -> Moved:
    """Send a draft (or a returned one) for review."""
    return flow.take(record, "submit", actor, now=now)


def review(flow: Workflow, record: Any, reviewer: User, approve: bool, comment: str = "",
           now: dt.datetime | None = None, after: Callable[[], dict] | None = None) -> Moved:
    """Approve (it is published now) or return to the drafter with comments; `after` adds the
    feature's fields to the audit record."""
    def change(moment: dt.datetime) -> dict | None:
        record.reviewer_id, record.review_comment, record.reviewed_at = reviewer.id, comment.strip(), moment
        if approve:
            record.published_at = moment
        return after() if after else None

    return flow.take(record, "approve" if approve else "return", reviewer, comment or "", change=change, now=now)


def withdraw(flow: Workflow, record: Any, actor: User, reason: str, now: dt.datetime | None = None) -> Moved:
    """Withdraw a published record; the reason is shown publicly."""
    def change(moment: dt.datetime) -> None:
        record.withdrawn_at, record.withdrawal_reason = moment, (reason or "").strip()

    return flow.take(record, "withdraw", actor, reason, change=change, now=now)


@dataclass(frozen=True)
class ReviewPages:
    """The submit, review and withdraw pages of a reviewed record, for a feature's thin views.

    `service` is the feature's service module (its `submit`, `review` and `withdraw`);
    `forms` maps "submit", "review" and "withdraw" to the feature's step forms (a `state` field
    and, for review, `decision` and `comment`; for withdrawal, `reason`); `page(record, failed=,
    failed_form=, message=, status=)` renders the record's page again; `done` holds the flash
    message of each step ("submit", "approve", "return", "withdraw") and `own_work` the message
    shown to a reviewer who drafted the record."""

    service: Any
    forms: dict[str, type]
    page: Callable[..., Any]
    endpoint: str
    key: str
    done: dict[str, Any]
    own_work: Any

    def step_form(self, record: Any, name: str) -> Any:
        """The posted step's form; 409 when the page was out of date (the state changed since)."""
        form = self.forms[name](prefix=name)
        if form.state.data and form.state.data != record.state.value:
            abort(409)
        return form

    def _done(self, record: Any, message: Any) -> Any:
        flash(str(message), "success")
        return redirect(url_for(self.endpoint, **{self.key: record.id}))

    def submit(self, record: Any, actor: User) -> Any:
        """Send the draft for review."""
        form = self.step_form(record, "submit")
        if not form.validate_on_submit():
            return self.page(record, failed="submit", failed_form=form, status=422)
        self.service.submit(record, actor)
        return self._done(record, self.done["submit"])

    def review(self, record: Any, reviewer: User) -> Any:
        """Approve and publish, or return with comments; the drafter is told someone else must."""
        form = self.step_form(record, "review")
        if not form.validate_on_submit():
            return self.page(record, failed="review", failed_form=form, status=422)
        approve = form.decision.data == "approve"
        try:
            self.service.review(record, reviewer, approve, form.comment.data)
        except OwnWork:
            return self.page(record, message=str(self.own_work), status=409)
        return self._done(record, self.done["approve" if approve else "return"])

    def withdraw(self, record: Any, actor: User) -> Any:
        """Withdraw a published record with the reason the public page shows."""
        form = self.step_form(record, "withdraw")
        if not form.validate_on_submit():
            return self.page(record, failed="withdraw", failed_form=form, status=422)
        self.service.withdraw(record, actor, form.reason.data)
        return self._done(record, self.done["withdraw"])

    def forms_for(self, record: Any, failed: str | None, failed_form: Any) -> dict[str, Any]:
        """Each step's form for the record's page, the refused one as it was posted."""
        return {name: failed_form if name == failed else form(prefix=name, data={"state": record.state.value})
                for name, form in self.forms.items()}
