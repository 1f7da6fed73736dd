"""Appointing social supervisors and their terms: candidate → published for objections →
cleared or not appointed → appointed for a term → dismissed (or the term ends by itself).

The allowed steps are one table (`STEPS`, taken through `portal.workflow`); every step writes an
audit record (object type "supervisor"). The account works only during the term: `may_sign_in` is
checked at sign-in and on every request. Services flush, never commit.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal import clock, workflow
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.errors import NotFound
from portal.extensions import db
from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.security import audit, crypto
from portal.supervisors import certificates
from portal.supervisors.models import Assessment, AssessmentResult, Objection, Supervisor, SupervisorState
from portal.workflow import StepNotAllowed, Workflow, step

S = SupervisorState
# Objections are taken for a number of days the administrator chooses, within these bounds.
NOTICE_DAYS = (5, 30)
NOTICE_DAYS_DEFAULT = 7
# A term is 2 to 3 years (一期一聘).
TERM_YEARS = (2, 3)


ADMINS = {Role.ADMIN}
# Objections and assessments keep the state; an assessment's audit record names the year instead.
STEPS = Workflow("supervisor", "supervisor", [
    step("publish", {S.CANDIDATE}, S.PUBLISHED, ADMINS),
    step("object", {S.PUBLISHED}, None, ADMINS),
    step("clear", {S.PUBLISHED}, S.CLEARED, ADMINS),
    step("reject", {S.PUBLISHED}, S.REJECTED, ADMINS),
    step("appoint", {S.CLEARED}, S.APPOINTED, ADMINS),
    step("dismiss", {S.APPOINTED}, S.DISMISSED, ADMINS),
    step("assess", {S.APPOINTED, S.DISMISSED}, None, ADMINS, audit_state=False),
])


class SupervisorNotFound(NotFound, LookupError):
    """No such supervisor, or not in the person's jurisdiction: the same answer for both."""


class InvalidStep(ValueError):
    """A value breaks a rule; args[0] names the form field."""


def actor(user: User) -> str:
    return f"user:{user.id}"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_bounds(start: dt.date) -> tuple[dt.date, dt.date]:
    """The earliest and latest last day of a term starting on `start`."""
    shortest, longest = TERM_YEARS
    return add_years(start, shortest) - dt.timedelta(days=1), add_years(start, longest) - dt.timedelta(days=1)


# ---- Terms and sign-in ---------------------------------------------------------------------------

def appointment_of(user: User) -> Supervisor | None:
    """The appointment behind a supervisor's account, whatever its state."""
    return db.session.scalar(select(Supervisor).where(Supervisor.user_id == user.id))


def current_appointment(user: User, today: dt.date | None = None) -> Supervisor | None:
    """The appointment if the account is a supervisor's in term today; else None."""
    if user.role is not Role.SUPERVISOR:
        return None
    found = appointment_of(user)
    return found if found is not None and found.in_term(today or clock.today()) else None


def may_sign_in(user: User, today: dt.date | None = None) -> bool:
    """Staff always (as far as this feature is concerned); a supervisor only during the term."""
    return user.role is not Role.SUPERVISOR or current_appointment(user, today) is not None


# ---- Staff: reading ------------------------------------------------------------------------------

def in_jurisdiction(user: User, state: SupervisorState | None = None) -> list[Supervisor]:
    """The jurisdiction's supervisors and candidates, newest first."""
    query = workflow.in_jurisdiction(Supervisor, user, state).options(selectinload(Supervisor.region))
    return list(db.session.scalars(query.order_by(Supervisor.id.desc())))


def counts(user: User) -> dict[SupervisorState, int]:
    """How many supervisors and candidates of the jurisdiction are in each state."""
    return workflow.counts(Supervisor, user, SupervisorState)


def for_staff(user: User, supervisor_id: int) -> Supervisor:
    """One supervisor of the person's jurisdiction, or SupervisorNotFound."""
    return workflow.for_staff(Supervisor, user, supervisor_id, SupervisorNotFound)


def contact(supervisor: Supervisor) -> str:
    return crypto.decrypt_text(supervisor.contact_encrypted)


def objections(supervisor: Supervisor) -> list[Objection]:
    return list(db.session.scalars(select(Objection).where(Objection.supervisor_id == supervisor.id)
                                   .order_by(Objection.received_on, Objection.id)))


def assessments(supervisor: Supervisor) -> list[Assessment]:
    return list(db.session.scalars(select(Assessment).where(Assessment.supervisor_id == supervisor.id)
                                   .order_by(Assessment.year.desc())))


# ---- Staff: the steps ----------------------------------------------------------------------------

def create_candidate(user: User, region_code: str, name: str, organisation: str, occupation: str,
                     contact_text: str) -> Supervisor:
    """A candidate for the jurisdiction's county; only administrators."""
    region = regions.get(region_code)
    workflow.require(user, ADMINS, "create")
    if region.level is not RegionLevel.COUNTY or not accounts.covers(user, region.code):
        raise InvalidStep("region")
    supervisor = Supervisor(region_code=region.code, name=name, organisation=organisation, occupation=occupation,
                            contact_encrypted=crypto.encrypt_text(contact_text), created_by_id=user.id)
    db.session.add(supervisor)
    db.session.flush()
    audit.record(actor(user), "supervisor.candidate_created", "supervisor", supervisor.id,
                 after={"state": supervisor.state.value, "region": region.code, "name": name,
                        "organisation": organisation})
    return supervisor


def publish(user: User, supervisor: Supervisor, days: int, today: dt.date | None = None) -> None:
    """Publish the candidate for objections from today for `days` days."""
    def change(moment: dt.datetime) -> dict:
        if not NOTICE_DAYS[0] <= days <= NOTICE_DAYS[1]:
            raise InvalidStep("days")
        start = today or clock.today()
        supervisor.notice_start, supervisor.notice_end = start, start + dt.timedelta(days=days)
        return {"notice_start": str(start), "notice_end": str(supervisor.notice_end)}

    STEPS.take(supervisor, "publish", user, change=change)


def record_objection(user: User, supervisor: Supervisor, received_on: dt.date, summary: str) -> Objection:
    """An objection received in writing, at the latest on the last day of the notice."""
    found = []

    def change(moment: dt.datetime) -> dict:
        if not supervisor.notice_start <= received_on <= min(supervisor.notice_end, clock.today()):
            raise InvalidStep("received_on")
        found.append(Objection(supervisor_id=supervisor.id, received_on=received_on, summary=summary,
                               recorded_by_id=user.id))
        db.session.add(found[0])
        db.session.flush()
        return {"objection": found[0].id, "received_on": str(received_on)}

    STEPS.take(supervisor, "object", user, summary, change=change)
    return found[0]


def decide(user: User, supervisor: Supervisor, clear: bool, note: str, today: dt.date | None = None) -> None:
    """After the notice: clear the candidate for appointment, or not appoint them. Not appointing,
    and clearing despite objections, need a written reason."""
    def change(moment: dt.datetime) -> None:
        if (today or clock.today()) <= supervisor.notice_end:
            raise StepNotAllowed("notice")
        if not note.strip() and (not clear or objections(supervisor)):
            raise InvalidStep("note")
        supervisor.decision_note, supervisor.decided_at = note, moment

    STEPS.take(supervisor, "clear" if clear else "reject", user, note, change=change)


def appoint(user: User, supervisor: Supervisor, term_start: dt.date, term_end: dt.date, certificate: str,
            username: str) -> str:
    """Appoint for a 2–3 year term with a certificate number and create the account (password
    and authenticator, like staff); returns the one-time password, shown once."""
    one_time = []

    def change(moment: dt.datetime) -> dict:
        earliest, latest = term_bounds(term_start)
        if not earliest <= term_end <= latest:
            raise InvalidStep("term_end")
        if certificate_taken(certificate):
            raise InvalidStep("certificate_number")
        try:
            account, password = accounts.create_user(username, supervisor.name, Role.SUPERVISOR,
                                                     supervisor.region_code, actor=actor(user))
        except accounts.AccountError as exc:
            raise InvalidStep("username") from exc
        one_time.append(password)
        supervisor.term_start, supervisor.term_end = term_start, term_end
        supervisor.certificate_number, supervisor.user_id = certificate, account.id
        return {"term_start": str(term_start), "term_end": str(term_end), "certificate_number": certificate,
                "user": account.id}

    STEPS.take(supervisor, "appoint", user, change=change)
    return one_time[0]


def dismiss(user: User, supervisor: Supervisor, reason: str, today: dt.date | None = None) -> None:
    """End the appointment now: the account stops working and its sessions end at once."""
    def change(moment: dt.datetime) -> dict:
        if not reason.strip():
            raise InvalidStep("reason")
        supervisor.dismissed_on, supervisor.dismissal_reason = today or clock.today(), reason
        accounts.disable(db.session.get(User, supervisor.user_id), actor(user), reason)
        return {"dismissed_on": str(supervisor.dismissed_on)}

    STEPS.take(supervisor, "dismiss", user, reason, change=change)


def assess(user: User, supervisor: Supervisor, year: int, result: AssessmentResult, comment: str) -> Assessment:
    """Record (or correct) the annual assessment of a year of the term."""
    STEPS.check(user, supervisor, "assess")
    if not supervisor.term_start.year <= year <= min(supervisor.term_end.year, clock.today().year):
        raise InvalidStep("year")
    if result is AssessmentResult.NOT_COMPETENT and not comment.strip():
        raise InvalidStep("comment")
    found = db.session.scalar(select(Assessment).where(Assessment.supervisor_id == supervisor.id,
                                                       Assessment.year == year))
    before = {"result": found.result.value, "comment": found.comment} if found else {}
    if found is None:
        found = Assessment(supervisor_id=supervisor.id, year=year, result=result, recorded_by_id=user.id)
        db.session.add(found)

    def change(moment: dt.datetime) -> dict:
        found.result, found.comment, found.recorded_by_id = result, comment, user.id
        return {"year": year, "result": result.value, "comment": comment}

    STEPS.take(supervisor, "assess", user, change=change, before=before)
    return found


# ---- Public lists and figures --------------------------------------------------------------------

def certificate_taken(certificate: str) -> bool:
    """True when a supervisor, ever appointed, has this certificate number however it is written."""
    wanted = certificates.key(certificate)
    return any(certificates.key(number) == wanted for number in db.session.scalars(
        select(Supervisor.certificate_number).where(Supervisor.certificate_number.is_not(None))))


def appointed_query(on: dt.date, certificate: str = ""):
    """Supervisors in term on a day (optionally the one whose certificate number this is, typed
    with any brackets, spaces or digits: `certificates.key`), by county and name."""
    in_term = (Supervisor.state == S.APPOINTED, Supervisor.term_start <= on, Supervisor.term_end >= on)
    query = (select(Supervisor).where(*in_term).options(selectinload(Supervisor.region))
             .order_by(Supervisor.region_code, Supervisor.name))
    if not certificate:
        return query
    # The numbers in term are few (a city appoints dozens): compare their keys here.
    wanted = certificates.key(certificate)
    matching = [supervisor_id for supervisor_id, number in db.session.execute(
        select(Supervisor.id, Supervisor.certificate_number).where(*in_term)) if certificates.key(number) == wanted]
    return query.where(Supervisor.id.in_(matching))


def published_candidates(on: dt.date) -> list[Supervisor]:
    """Candidates whose objection period includes `on`."""
    return list(db.session.scalars(
        select(Supervisor).where(Supervisor.state == S.PUBLISHED, Supervisor.notice_start <= on,
                                 Supervisor.notice_end >= on)
        .options(selectinload(Supervisor.region)).order_by(Supervisor.notice_end, Supervisor.region_code,
                                                           Supervisor.name)))


def active_count(region_prefix: str | None, on: dt.date) -> int:
    """How many supervisors are in term on a day, in an area (a code prefix) or everywhere."""
    query = select(func.count()).select_from(Supervisor).where(
        Supervisor.state == S.APPOINTED, Supervisor.term_start <= on, Supervisor.term_end >= on)
    if region_prefix:
        query = query.where(Supervisor.region_code.startswith(region_prefix))
    return db.session.scalar(query)
