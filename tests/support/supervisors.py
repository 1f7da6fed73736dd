"""Supervisors in tests: an appointment behind an account, and submissions through the service."""
from __future__ import annotations

import datetime as dt

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role, User
from portal.extensions import db
from portal.observations import service as observations
from portal.observations.models import CheckItem, CheckResult, Kind, ObservationPhoto
from portal.security import audit, crypto
from portal.security.attachments import clean
from portal.supervisors import service
from portal.supervisors.models import Supervisor, SupervisorState
from tests.support import files
from tests.support.accounts import signed_in_client

_numbers = iter(range(1, 10_000))


def appoint(user: User, start: dt.date | None = None, end: dt.date | None = None) -> Supervisor:
    """Make an existing supervisor account an appointed supervisor in term (today by default)."""
    start = start or clock.today() - dt.timedelta(days=30)
    end = end or service.add_years(start, 2)
    creator = db.session.query(User).filter(User.role == Role.ADMIN).order_by(User.id).first() or user
    supervisor = Supervisor(region_code=user.region_code, name=user.display_name, organisation="测试家长委员会",
                            occupation="工程师", contact_encrypted=crypto.encrypt_text("13900000000"),
                            state=SupervisorState.APPOINTED, term_start=start, term_end=end,
                            certificate_number=f"测监字第{next(_numbers):04d}号-{user.id}", user_id=user.id,
                            created_by_id=creator.id)
    db.session.add(supervisor)
    db.session.flush()
    audit.record("system", "supervisor.appoint", "supervisor", supervisor.id, after={"state": "appointed"})
    return supervisor


def supervisor_client(app: Flask, username: str, region: str = "330106") -> FlaskClient:
    """A client signed in as a new appointed supervisor; `client.user_id` is the account's id."""
    return signed_in_client(app, username, Role.SUPERVISOR, region)


def record_of(app: Flask, user_id: int, submit: bool = False) -> tuple[int, int]:
    """A committed patrol record with a photo by the supervisor with this account: (record id, photo id)."""
    with app.app_context():
        supervisor = db.session.scalar(select(Supervisor).where(Supervisor.user_id == user_id))
        record = patrol(supervisor, submit=submit)
        photo_id = db.session.scalar(select(ObservationPhoto.id).where(ObservationPhoto.observation_id == record.id))
        db.session.commit()
        return record.id, photo_id


def patrol_data(**overrides) -> observations.ObservationData:
    """A patrol that found a fees problem and asks for a case."""
    values = dict(region_code="330106", institution_name="小蜜蜂学习屋", place="文三路100号",
                  observed_at=clock.now() - dt.timedelta(hours=2),
                  checks=dict.fromkeys(CheckItem, CheckResult.FINE) | {CheckItem.FEES: CheckResult.PROBLEM},
                  body="前台要求家长一次性预交两年学费，未见资金监管账户信息。", needs_case=True)
    values.update(overrides)
    return observations.ObservationData(**values)


def patrol(supervisor: Supervisor, with_photo: bool = True, submit: bool = True, **overrides):
    """A patrol record by this supervisor, sent (or a draft), with one cleaned photo."""
    account = db.session.get(User, supervisor.user_id)
    photos = [clean(files.jpeg_with_gps(), "photo.jpg")] if with_photo else []
    return observations.save(supervisor, account, Kind.PATROL, patrol_data(**overrides), photos, submit=submit)
