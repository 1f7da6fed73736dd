"""Demo submissions for `make run`: demo.supervisor's patrol record, an answered opinion and a draft."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.extensions import db
from portal.institutions.models import Institution
from portal.observations import service as observations
from portal.observations.models import CheckItem, CheckResult, Kind, Observation
from portal.supervisors import service as supervisors
from portal.supervisors.models import Supervisor

COUNTY = "330106"


def _submissions(supervisor: Supervisor, account: User, admin: User, now: dt.datetime) -> None:
    institution = db.session.scalar(select(Institution).where(Institution.region_code == COUNTY)
                                    .order_by(Institution.id).limit(1))
    checks = dict.fromkeys(CheckItem, CheckResult.FINE) | {CheckItem.FEES: CheckResult.PROBLEM}
    patrol = observations.ObservationData(
        region_code=COUNTY, institution_id=institution.id if institution else None,
        institution_name="" if institution else "演示培训中心", place="文三路 100 号 3 楼",
        observed_at=now - dt.timedelta(days=3), checks=checks, needs_case=True,
        body="前台张贴“一次性缴纳两年学费享八折”的海报，家长反映已按此缴费，未见资金监管账户信息。")
    observations.save(supervisor, account, Kind.PATROL, patrol, [], submit=True, now=now - dt.timedelta(days=3))
    opinion = observations.ObservationData(
        region_code=COUNTY, body="建议在寒暑假前集中公布一次已取得办学许可的非学科类机构名单，方便家长查询。")
    sent = observations.save(supervisor, account, Kind.OPINION, opinion, [], submit=True,
                             now=now - dt.timedelta(days=10))
    observations.reply(admin, sent, "感谢您的建议。我局将在寒假前通过门户网站和公众号公布白名单。",
                       now=now - dt.timedelta(days=8))
    draft = observations.ObservationData(region_code=COUNTY, institution_name="某艺术工作室", place="古墩路",
                                         body="晚上九点后仍有学生进出，待再次核实。")
    observations.save(supervisor, account, Kind.PATROL, draft, [], now=now - dt.timedelta(days=1))


def seed() -> int:
    """Add the demo supervisor's submissions if there are none; returns how many were added."""
    if db.session.scalar(select(Observation.id).limit(1)) is not None:
        return 0
    admin = db.session.scalar(select(User).where(User.username == "demo.admin"))
    account = db.session.scalar(select(User).where(User.username == "demo.supervisor"))
    supervisor = supervisors.appointment_of(account) if account is not None else None
    if admin is None or supervisor is None:
        return 0
    _submissions(supervisor, account, admin, clock.now())
    db.session.flush()
    return 3
