"""What supervisors submit, and what staff do with it.

A supervisor sees only their own submissions; staff see those of their jurisdiction (the county
of the observation). A lead is filed as a case (source "supervisor") when it is submitted; staff
may open a case from a patrol record's finding. Patrol records and opinions get a written reply.
Every change writes an audit record (object type "observation"). Services flush, never commit.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from portal import clock, workflow
from portal.accounts import service as accounts
from portal.accounts.models import Role, User
from portal.casework.models import Category, Source
from portal.errors import Conflict, NotFound
from portal.extensions import db
from portal.intake import filing as intake
from portal.observations.models import CheckItem, CheckResult, Kind, Observation, ObservationPhoto, ObservationState
from portal.regions import service as regions
from portal.security import audit, crypto
from portal.security.attachments import MEDIA_TYPES, CleanFile
from portal.supervisors.models import Supervisor

O = ObservationState
MAX_PHOTOS = intake.MAX_FILES
MAX_ID = workflow.MAX_ID
HANDLERS = frozenset({Role.ADMIN, Role.HANDLER})
KINDS = {kind: ext for ext, kind in MEDIA_TYPES.items()}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}


class ObservationNotFound(NotFound, LookupError):
    """Not this supervisor's, not in this jurisdiction, or no such record: one answer for all."""


class NotAllowed(Conflict):
    """Not in this state, not of this kind, or not by this person (args[0] names the step)."""


class TooManyPhotos(ValueError):
    """A record holds at most MAX_PHOTOS photos."""


class OutsideArea(ValueError):
    """The place lies outside the area of the office that appointed the supervisor (args[0] is its code)."""


@dataclass
class ObservationData:
    """What the workspace form says, already validated for a draft or for submission."""

    region_code: str
    institution_id: int | None = None
    institution_name: str = ""
    place: str = ""
    observed_at: dt.datetime | None = None
    checks: dict[CheckItem, CheckResult] = field(default_factory=dict)
    category: Category | None = None
    body: str = ""
    needs_case: bool = False


def _actor(user: User) -> str:
    return f"user:{user.id}"


# ---- The supervisor's side ------------------------------------------------------------------------

def area_prefix(supervisor: Supervisor) -> str:
    """The code prefix of the places a supervisor reports on: the city of the appointing office.
    The appointment record keeps only the supervisor's own county, so its city stands for the office."""
    return supervisor.region_code[:4]


def area(supervisor: Supervisor):
    """The division named as the supervisor's area: the city, or the province for a county under
    it directly (a municipality's districts, a province's directly administered cities)."""
    chain = regions.lineage(regions.get(supervisor.region_code))
    inside = [r for r in chain if r.code.startswith(area_prefix(supervisor)) and r.code != supervisor.region_code]
    return inside[0] if inside else chain[max(len(chain) - 2, 0)]


def within_area(supervisor: Supervisor, region_code: str) -> bool:
    return region_code.startswith(area_prefix(supervisor))


def own(supervisor: Supervisor, kind: Kind | None = None) -> list[Observation]:
    """The supervisor's own submissions and drafts, newest first."""
    query = (select(Observation).where(Observation.supervisor_id == supervisor.id)
             .options(selectinload(Observation.institution)).order_by(Observation.updated_at.desc(),
                                                                     Observation.id.desc()))
    if kind is not None:
        query = query.where(Observation.kind == kind)
    return list(db.session.scalars(query))


def own_counts(supervisor: Supervisor) -> dict[tuple[Kind, ObservationState], int]:
    rows = db.session.execute(select(Observation.kind, Observation.state, func.count())
                              .where(Observation.supervisor_id == supervisor.id)
                              .group_by(Observation.kind, Observation.state))
    return {(kind, state): n for kind, state, n in rows}


def for_supervisor(supervisor: Supervisor, observation_id: int, *, for_update: bool = False) -> Observation:
    """One of the supervisor's own records; another's is not found."""
    query = (select(Observation).where(Observation.id == observation_id,
                                       Observation.supervisor_id == supervisor.id)
             .options(selectinload(Observation.institution), selectinload(Observation.photos)))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    found = db.session.scalar(query) if 0 < observation_id <= MAX_ID else None
    if found is None:
        raise ObservationNotFound(observation_id)
    return found


def _apply(observation: Observation, data: ObservationData) -> None:
    observation.region_code = data.region_code
    observation.institution_id = data.institution_id
    observation.institution_name = "" if data.institution_id else data.institution_name
    observation.place, observation.observed_at = data.place, data.observed_at
    observation.checklist = ",".join(f"{item.value}:{data.checks[item].value}" for item in CheckItem
                                     if item in data.checks)
    observation.category, observation.body = data.category, data.body
    observation.needs_case = data.needs_case and observation.kind is Kind.PATROL


def save(supervisor: Supervisor, user: User, kind: Kind, data: ObservationData, photos: list[CleanFile],
         observation: Observation | None = None, submit: bool = False, now: dt.datetime | None = None) -> Observation:
    """Create or change a draft, with new photos; when `submit`, send it (a lead becomes a case).
    A place outside the supervisor's area (see `area_prefix`) is refused with OutsideArea."""
    now = now or clock.now()
    if observation is not None and observation.state is not O.DRAFT:
        raise NotAllowed("edit")
    if not within_area(supervisor, data.region_code):
        raise OutsideArea(data.region_code)
    taken = len(observation.photos) if observation is not None else 0
    if taken + len(photos) > MAX_PHOTOS:
        raise TooManyPhotos(MAX_PHOTOS - taken)
    created = observation is None
    if created:
        observation = Observation(supervisor_id=supervisor.id, kind=kind, state=O.DRAFT)
        db.session.add(observation)
    _apply(observation, data)
    db.session.flush()
    _store_photos(observation, photos)
    audit.record(_actor(user), "observation.created" if created else "observation.saved", "observation",
                 observation.id, after={"kind": observation.kind.value, "state": O.DRAFT.value,
                                        "photos": len(photos)})
    if submit:
        _submit(observation, user, now)
    return observation


def _store_photos(observation: Observation, photos: list[CleanFile]) -> None:
    taken = db.session.scalar(select(func.count()).select_from(ObservationPhoto)
                              .where(ObservationPhoto.observation_id == observation.id))
    for number, photo in enumerate(photos, start=taken + 1):
        sealed = crypto.encrypt_file(photo.data)
        db.session.add(ObservationPhoto(
            observation_id=observation.id, media_type=photo.media_type, size=len(photo.data),
            filename=f"photo-{observation.id}-{number}.{EXTENSIONS[photo.media_type]}",
            ciphertext=sealed.ciphertext, wrapped_key=sealed.wrapped_key))
    db.session.flush()


def _submit(observation: Observation, user: User, now: dt.datetime) -> None:
    observation.state, observation.submitted_at = O.SUBMITTED, now
    db.session.flush()
    after = {"kind": observation.kind.value, "state": O.SUBMITTED.value}
    if observation.kind is Kind.LEAD:
        complaint = _file_case(observation, observation.category, observation.body, now)
        after["case_number"] = complaint.case_number
    audit.record(_actor(user), "observation.submitted", "observation", observation.id, after=after, at=now)


def _file_case(observation: Observation, category: Category, description: str, now: dt.datetime):
    """File the case through the complaint intake (source "supervisor", the same time limits).
    The supervisor follows it in the workspace, so the receipt is not kept anywhere."""
    day = (observation.observed_at or now).astimezone(clock.zone()).date()
    draft = intake.Draft(category=category, region_code=observation.region_code, description=description,
                         institution_id=observation.institution_id,
                         institution_name="" if observation.institution_id else observation.institution_name,
                         institution_address="" if observation.institution_id else observation.place,
                         occurred_on=day, files=photo_files(observation), source=Source.SUPERVISOR)
    filed = intake.file_complaint(draft, secrets.token_urlsafe(32), clock.local_date(now), now)
    observation.complaint_id = filed.complaint.id
    db.session.flush()
    return filed.complaint


def photo_files(observation: Observation) -> list[CleanFile]:
    """The record's photos, decrypted, to go into a case as its evidence."""
    photos = db.session.scalars(select(ObservationPhoto).where(ObservationPhoto.observation_id == observation.id)
                                .order_by(ObservationPhoto.id))
    return [CleanFile(crypto.decrypt_file(crypto.Sealed(p.ciphertext, p.wrapped_key)), KINDS[p.media_type])
            for p in photos]


def remove_photo(observation: Observation, user: User, photo_id: int) -> None:
    """Take a photo off a draft."""
    if observation.state is not O.DRAFT:
        raise NotAllowed("remove_photo")
    photo = next((p for p in observation.photos if p.id == photo_id), None)
    if photo is None:
        raise ObservationNotFound(photo_id)
    db.session.delete(photo)
    db.session.flush()
    audit.record(_actor(user), "observation.photo_removed", "observation", observation.id, after={"photo": photo_id})


def photo(observation: Observation, photo_id: int) -> tuple[ObservationPhoto, bytes]:
    """One of the record's photos, decrypted; another record's is not found."""
    found = db.session.scalar(select(ObservationPhoto).where(ObservationPhoto.id == photo_id,
                                                             ObservationPhoto.observation_id == observation.id))
    if found is None:
        raise ObservationNotFound(photo_id)
    return found, crypto.decrypt_file(crypto.Sealed(found.ciphertext, found.wrapped_key))


# ---- The staff's side -------------------------------------------------------------------------------

def _scope(user: User):
    return Observation.region_code.startswith(regions.get(user.region_code).scope_prefix)


def inbox(user: User, kind: Kind | None = None, waiting: bool = False):
    """The jurisdiction's submitted records (never drafts), those waiting for an answer first."""
    query = (select(Observation).where(_scope(user), Observation.state.in_((O.SUBMITTED, O.REPLIED)))
             .options(selectinload(Observation.institution), selectinload(Observation.supervisor)))
    if kind is not None:
        query = query.where(Observation.kind == kind)
    if waiting:
        query = query.where(Observation.state == O.SUBMITTED, Observation.kind != Kind.LEAD)
    waiting_first = case((Observation.state == O.SUBMITTED, 0), else_=1)
    return query.order_by(waiting_first, Observation.submitted_at.desc(), Observation.id.desc())


def inbox_counts(user: User) -> dict[Kind, int]:
    rows = db.session.execute(select(Observation.kind, func.count())
                              .where(_scope(user), Observation.state.in_((O.SUBMITTED, O.REPLIED)))
                              .group_by(Observation.kind))
    found = dict(rows.all())
    return {kind: found.get(kind, 0) for kind in Kind}


def for_staff(user: User, observation_id: int, *, for_update: bool = False) -> Observation:
    """A submitted record of the person's jurisdiction; drafts and others are not found."""
    query = (select(Observation).where(Observation.id == observation_id, Observation.state != O.DRAFT)
             .options(selectinload(Observation.institution), selectinload(Observation.photos),
                      selectinload(Observation.supervisor)))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    found = db.session.scalar(query) if 0 < observation_id <= MAX_ID else None
    if found is None or not accounts.covers(user, found.region_code):
        raise ObservationNotFound(observation_id)
    return found


def may_reply(user: User, observation: Observation) -> bool:
    return (user.role in HANDLERS and user.active and observation.kind is not Kind.LEAD
            and observation.state is O.SUBMITTED)


def may_open_case(user: User, observation: Observation) -> bool:
    return (user.role in HANDLERS and user.active and observation.kind is Kind.PATROL
            and observation.complaint_id is None)


def reply(user: User, observation: Observation, text: str, now: dt.datetime | None = None) -> None:
    """Answer a patrol record or an opinion in writing, once."""
    if not may_reply(user, observation):
        raise NotAllowed("reply")
    now = now or clock.now()
    observation.reply, observation.replied_at, observation.replied_by_id = text, now, user.id
    observation.state = O.REPLIED
    db.session.flush()
    audit.record(_actor(user), "observation.replied", "observation", observation.id, at=now,
                 before={"state": O.SUBMITTED.value}, after={"state": O.REPLIED.value})


def open_case(user: User, observation: Observation, category: Category, description: str,
              now: dt.datetime | None = None):
    """Open a case from a patrol record's finding; returns the new complaint."""
    if not may_open_case(user, observation):
        raise NotAllowed("open_case")
    now = now or clock.now()
    complaint = _file_case(observation, category, description, now)
    audit.record(_actor(user), "observation.case_opened", "observation", observation.id, at=now,
                 after={"case_number": complaint.case_number, "complaint": complaint.id})
    return complaint
