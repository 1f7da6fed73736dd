"""Demo social supervision for `make run`: demo.supervisor appointed for a term that includes
today, one candidate published for objections, and a few submissions (one answered)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.extensions import db
from portal.institutions.models import Institution
from portal.security import audit, crypto
from portal.supervisors import observations, service
from portal.supervisors.models import CheckItem, CheckResult, Kind, Supervisor, SupervisorState

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
    observations.reply(admin, sent, "感谢您的建议。我局将在寒假前通过门户网站和公众号公布白名单。", now=now - dt.timedelta(days=8))
    draft = observations.ObservationData(region_code=COUNTY, institution_name="某艺术工作室", place="古墩路",
                                         body="晚上九点后仍有学生进出，待再次核实。")
    observations.save(supervisor, account, Kind.PATROL, draft, [], now=now - dt.timedelta(days=1))


def _candidate(admin: User, today: dt.date) -> None:
    candidate = service.create_candidate(admin, COUNTY, "王晓梅", "西湖区社区教育学院", "教师", "0571-00000000（演示）")
    service.publish(admin, candidate, service.NOTICE_DAYS_DEFAULT, today)


def seed() -> int:
    """Add the demo appointment, candidate and submissions if none exist; returns how many supervisors."""
    if db.session.scalar(select(Supervisor.id).limit(1)) is not None:
        return 0
    admin = db.session.scalar(select(User).where(User.username == "demo.admin"))
    account = db.session.scalar(select(User).where(User.username == "demo.supervisor"))
    if admin is None or account is None:
        return 0
    today, now = clock.today(), clock.now()
    supervisor = _appoint_demo_account(admin, account, today)
    _submissions(supervisor, account, admin, now)
    _candidate(admin, today)
    db.session.flush()
    return 2
