"""The refusals of casework's services, on the shared bases of `portal.errors`.

Intake, custody and rewards raise these too (or name their own on top of them), so each meaning
has one exception: a view catches one only to explain it beside a field, and the registered
handler answers the rest with the base's status.
"""
from __future__ import annotations

from portal.errors import Conflict, Invalid, NotAllowed, NotFound


class CaseNotFound(NotFound):
    """No such case, or not in the person's jurisdiction: the same answer for both."""


class AttachmentNotFound(NotFound):
    """No such file on this case (or none the person asking may open)."""


class StepNotAllowed(Conflict):
    """The case (or its identity request, its reward) is not in a state that allows this step,
    or the step is not open to this person now, or it was taken already."""


class NotPermitted(NotAllowed):
    """Not this person's to do: their role, certificate or jurisdiction, or it is their own request."""


class ReasonRequired(Invalid):
    """The step needs its written reason, reply, message or note, within the length limit."""


class OutsideJurisdiction(Invalid):
    """The complaint's county is outside the officer's jurisdiction: the office there registers it."""
