"""The refusals of casework's services, on the shared bases of `portal.errors`.

Intake, custody and rewards raise these too (or name their own on top of them), so each meaning
has one exception: a view catches one only to explain it beside a field, and the registered
handler answers the rest with the base's status. `StepNotAllowed` and `ReasonRequired` are the
workflow engine's own refusals, named here for them too.
"""
from __future__ import annotations

from portal.errors import Invalid, NotAllowed, NotFound
from portal.workflow import ReasonRequired as ReasonRequired
from portal.workflow import StepNotAllowed as StepNotAllowed


class CaseNotFound(NotFound):
    """No such case, or not in the person's jurisdiction: the same answer for both."""


class AttachmentNotFound(NotFound):
    """No such file on this case (or none the person asking may open)."""


class NotPermitted(NotAllowed):
    """Not this person's to do: their role, certificate or jurisdiction, or it is their own request."""


class OutsideJurisdiction(Invalid):
    """The complaint's county is outside the officer's jurisdiction: the office there registers it."""
