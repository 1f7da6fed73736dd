"""Demo cases for `make run`: complaints in Hangzhou's districts in every state, so the inbox
and the case page have something to show. Idempotent: each demo case has its own form token."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.casework import service as casework
from portal.casework.models import Category, ComplaintEvent, Rating, Source
from portal.extensions import db
from portal.institutions.models import Institution
from portal.intake import filing, tracking

# (days ago received, county, category, source, named, steps taken by the demo handler)
DEMO_CASES = (
    (1, "330106", Category.FORBIDDEN_TIMES, Source.ONLINE, False, ()),
    (3, "330106", Category.PREPAYMENT_OUTSIDE_ESCROW, Source.PHONE, True, ()),
    (12, "330106", Category.UNLICENSED, Source.HOTLINE_12345, False, ()),
    (17, "330106", Category.BEYOND_STANDARDS, Source.ONLINE, False, ()),
    (20, "330106", Category.ADVERTISING, Source.LETTER, False, ("accept",)),
    (40, "330106", Category.FEES_REFUNDS, Source.ONLINE, True, ("accept", "start")),
    (58, "330106", Category.DISGUISED_TRAINING, Source.VISIT, False, ("accept", "start", "note")),
    (30, "330106", Category.SAFETY, Source.ONLINE, False, ("not_accept",)),
    (25, "330106", Category.OTHER, Source.ONLINE, False, ("transfer",)),
    (45, "330106", Category.UNQUALIFIED_STAFF, Source.ONLINE, True, ("accept", "start", "conclude")),
    (34, "330106", Category.FEES_REFUNDS, Source.ONLINE, False, ("accept", "conclude", "review")),
    (2, "330102", Category.FORBIDDEN_TIMES, Source.ONLINE, False, ()),
    (6, "330108", Category.UNLICENSED, Source.HOTLINE_12345, False, ()),
    (9, "330110", Category.PREPAYMENT_OUTSIDE_ESCROW, Source.ONLINE, True, ()),
)
STORIES = {
    Category.FORBIDDEN_TIMES: "工作日晚上九点半以后还在给初二学生上数学课，家长群里通知周六也照常上课。",
    Category.PREPAYMENT_OUTSIDE_ESCROW: "要求一次性交清一年学费两万四千元，转账到老板个人微信，不开发票。",
    Category.UNLICENSED: "小区居民楼里办了一个“托管班”，实际给小学生上语文数学课，没有办学许可证。",
    Category.BEYOND_STANDARDS: "给三年级学生提前讲五年级奥数内容，宣传“提前学完小学数学”。",
    Category.ADVERTISING: "宣传单写着“不报班就落后，名师保证提分30分”，还在校门口发放。",
    Category.FEES_REFUNDS: "孩子上了两次课不想上了，机构拒绝退还剩余课时费用八千元。",
    Category.DISGUISED_TRAINING: "以“研学营”名义组织周末学科培训，实际是封闭刷题，收费每期六千元。",
    Category.SAFETY: "教室设在地下室，只有一个出口，没有灭火器，窗户装了防盗网。",
    Category.OTHER: "机构门口长期占道停车接送学生，影响交通和居民出行。",
    Category.UNQUALIFIED_STAFF: "授课老师是附近公办学校在职教师，晚上在机构有偿补课。",
}
TEXTS = {
    "not_accept": "该事项属于消防安全监管职责，不属于本机关受理范围，请向区消防救援大队反映。",
    "transfer": "占道停车属于交通管理事项，已转交有关部门处理。",
    "note": "已与机构负责人电话联系，约定下周二现场检查。",
    "conclude": ("经调查核实，反映情况属实。已责令该机构立即停止违规行为并退还相关费用，对其处以警告。"
                 "如对答复不满意，可在收到答复之日起30日内申请复查。"),
}


def seed() -> int:
    """Add the demo cases that are missing; returns how many."""
    handler = db.session.scalar(select(User).where(User.username == "demo.handler"))
    if handler is None:
        return 0
    today, added = clock.today(), 0
    for number, (days_ago, county, category, source, named, steps) in enumerate(DEMO_CASES, start=1):
        token = f"demo-complaint-{number}"
        if filing.find_by_form_token(token) is not None:
            continue
        institution = db.session.scalar(select(Institution).where(Institution.region_code == county)
                                        .order_by(Institution.id).offset(number % 5).limit(1))
        received = today - dt.timedelta(days=days_ago)
        draft = filing.Draft(
            category=category, region_code=county, description=STORIES[category], source=source,
            institution_id=institution.id if institution else None,
            institution_name="" if institution else "无名托管班", institution_address="" if institution else "西湖区",
            occurred_on=received - dt.timedelta(days=3),
            identity=filing.ReporterIdentity("演示投诉举报人", "13800000000") if named else None)
        filed = filing.file_complaint(draft, token, received, now=clock.now() - dt.timedelta(days=days_ago))
        registered_at = dt.datetime.combine(received, dt.time(1, 30), tzinfo=dt.timezone.utc)
        filed.complaint.created_at = registered_at
        for event in db.session.scalars(
                select(ComplaintEvent).where(ComplaintEvent.complaint_id == filed.complaint.id)):
            event.created_at = registered_at
        _advance(filed.complaint, steps, handler, received)
        added += 1
    db.session.flush()
    return added


def _advance(complaint, steps, handler, received: dt.date) -> None:
    when = dt.datetime.combine(received, dt.time(2, 0), tzinfo=dt.timezone.utc)
    for step in steps:
        when += dt.timedelta(days=2)
        if step == "review":
            tracking.rate(complaint, Rating.UNSATISFIED, "")
            tracking.request_review(complaint, "答复与事实不符，机构至今未退费。", when)
            continue
        destination = "西湖区交通管理部门" if step == "transfer" else ""
        casework.apply(complaint, step, handler, TEXTS.get(step, ""), destination=destination, now=when)
