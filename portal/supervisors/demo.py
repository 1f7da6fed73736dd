"""Demo social supervision for `make run`: demo.supervisor appointed for a term that includes
today, and one candidate published for objections (their submissions: portal.observations.demo)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.extensions import db
from portal.security import audit, crypto
from portal.supervisors import service
from portal.supervisors.models import Supervisor, SupervisorState

COUNTY = "330106"


def _appoint_demo_account(admin: User, account: User, today: dt.date) -> Supervisor:
    start = dt.date(today.year, 1, 1)
    supervisor = Supervisor(
        region_code=COUNTY, name=account.display_name, organisation="西湖区某小学家长委员会", occupation="会计",
        contact_encrypted=crypto.encrypt_text("13800000000（演示）"), state=SupervisorState.APPOINTED,
        notice_start=start - dt.timedelta(days=30), notice_end=start - dt.timedelta(days=23),
        decided_at=clock.now(), term_start=start, term_end=service.add_years(start, 3) - dt.timedelta(days=1),
        certificate_number=f"杭教监字〔{start.year}〕第001号", user_id=account.id, created_by_id=admin.id)
    db.session.add(supervisor)
    db.session.flush()
    audit.record(service.actor(admin), "supervisor.appoint", "supervisor", supervisor.id,
                 after={"state": supervisor.state.value, "term_start": str(supervisor.term_start),
                        "term_end": str(supervisor.term_end), "certificate_number": supervisor.certificate_number})
    return supervisor


def _candidate(admin: User, today: dt.date) -> None:
    candidate = service.create_candidate(admin, COUNTY, "王晓梅", "西湖区社区教育学院", "教师", "0571-00000000（演示）")
    service.publish(admin, candidate, service.NOTICE_DAYS_DEFAULT, today)


def seed() -> int:
    """Add the demo appointment and candidate if none exist; returns how many supervisors."""
    if db.session.scalar(select(Supervisor.id).limit(1)) is not None:
        return 0
    admin = db.session.scalar(select(User).where(User.username == "demo.admin"))
    account = db.session.scalar(select(User).where(User.username == "demo.supervisor"))
    if admin is None or account is None:
        return 0
    today = clock.today()
    _appoint_demo_account(admin, account, today)
    _candidate(admin, today)
    db.session.flush()
    return 2
