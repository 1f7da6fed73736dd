"""Three demo typical cases in Hangzhou for `make run`, linked to the demo penalty decisions and
institutions where those exist."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal import clock, richtext
from portal.accounts.models import User
from portal.disclosures.models import Disclosure, DisclosureState
from portal.extensions import db
from portal.institutions.models import Institution, LicenceStatus
from portal.typical.models import ArticleState, TypicalCase

HOUSEKEEPING = (
    "某培训机构负责人以“家政服务”名义，在西湖区一处居民住宅内招收初中学生，周末开展数学、英语学科类培训，"
    "每名学生每期收费四千八百元。\n"
    "\n"
    "## 查处经过\n"
    "\n"
    "区教育局接到群众反映后，会同街道、市场监管部门现场检查，查实：\n"
    "\n"
    "- 以“家政服务”“住家教师”名义对外宣传，实为组织多名学生集中授课；\n"
    "- 未取得办学许可证，授课人员不具备相应资质；\n"
    "- 在周末开展学科类培训。\n"
    "\n"
    "## 处理结果\n"
    "\n"
    "依据《校外培训行政处罚暂行办法》（教育部令第53号），责令改正、退还所收费用，给予警告并处罚款。\n"
    "\n"
    "> 家长请注意：以“家政”“托管”“咨询”等名义开展的学科类培训属于**隐形变异培训**，可通过本平台投诉举报。\n"
)

HOUSEKEEPING_EN = (
    'A person running a training business advertised "housekeeping services" and taught mathematics and English to '
    "lower-secondary pupils in a flat in Xihu District at weekends, charging each pupil 4,800 yuan a term.\n"
    "\n"
    "## What was found\n"
    "\n"
    "After a report from residents, the district education bureau inspected the flat together with the "
    "sub-district office and market regulation and found:\n"
    "\n"
    '- group lessons for several pupils advertised as "housekeeping" or a "live-in tutor";\n'
    "- no school-running licence, and teachers without the required qualifications;\n"
    "- academic-subject training at weekends.\n"
    "\n"
    "## Outcome\n"
    "\n"
    "Under Order No. 53 of the Ministry of Education, the operator was ordered to stop and refund the fees, warned "
    "and fined.\n"
    "\n"
    '> Parents: academic tutoring offered as "housekeeping", "day care" or "consulting" is **disguised training**. '
    "You can report it on this portal.\n"
)

UNLICENSED = """余杭区一名家长通过本平台投诉：孩子参加的舞蹈培训班突然停课，机构以“升级场地”为由要求续费。

区教育局受理后五个工作日内现场核查，发现该机构未取得办学许可证，培训场所消防条件不符合要求。

## 处理结果

1. 责令立即停止培训活动，场所依法关闭；
2. 督促机构向家长退还未消课费用，共涉及三十七名学生；
3. 将机构信息通报市场监管部门。

家长可在“机构查询”中核实培训机构是否持有有效办学许可证后再报名缴费。
"""

PREPAID = """滨江区某艺术培训机构以“充值送课时”方式一次性收取学员费用，单笔最高达两万元，且未将预收费纳入资金监管账户。

## 查处经过

区教育局在日常检查中发现后，责令机构限期整改：

- 预收费一次不得超过三个月或六十课时，且不超过五千元；
- 全部预收费进入监管账户；
- 与家长重新签订规范的培训服务合同。

机构在期限内完成整改，已收取的超额费用按家长意愿退还或转入监管账户。
"""

PREPAID_EN = (
    'An arts training centre in Binjiang District sold "top-up" packages with free extra lessons, taking up to '
    "20,000 yuan at once and keeping the money outside the escrow account.\n"
    "\n"
    "The district education bureau ordered it to charge no more than three months, 60 lessons or 5,000 yuan in "
    "advance, to pay all prepaid fees into the supervised account, and to sign standard contracts with parents. It "
    "complied within the time set.\n"
)

UNLICENSED_TITLE = "家长投诉后，无证舞蹈培训班被依法关闭"
# (title, county, days ago, summary, body, English title, English summary, English body, disclosure number,
#  drafter)
DEMO = (
    ("以“家政服务”为名开展学科类培训被查处", "330106", 18,
     "以家政服务名义在居民住宅内组织初中学生开展学科类培训，被责令改正、退还费用，并处警告和罚款。",
     HOUSEKEEPING, "Academic tutoring disguised as \"housekeeping\" penalised",
     "Academic tutoring for lower-secondary pupils in a flat, advertised as housekeeping, was stopped; the "
     "operator was warned, fined and ordered to refund the fees.", HOUSEKEEPING_EN, "杭西教罚〔2026〕1号",
     "demo.handler"),
    (UNLICENSED_TITLE, "330110", 30,
     "家长投诉培训班停课后要求续费，核查发现机构无证经营且存在消防隐患，已被关闭并退还费用。",
     UNLICENSED, "", "", "", None, "demo.admin"),
    ("艺术培训机构超额预收费被责令整改", "330108", 45,
     "机构以充值送课时方式超额预收费且未纳入资金监管，被责令限期整改。",
     PREPAID, "Arts centre ordered to stop taking excessive prepaid fees", "", PREPAID_EN, None, "demo.admin"),
)


def _links(number: str | None, county: str, unlicensed: bool) -> tuple[list[Disclosure], list[Institution]]:
    """The demo decision cited and its party; or else an institution of the county that fits the story."""
    disclosure = number and db.session.scalar(select(Disclosure).where(
        Disclosure.decision_number == number, Disclosure.state == DisclosureState.PUBLISHED))
    if disclosure:
        party = db.session.get(Institution, disclosure.institution_id) if disclosure.institution_id else None
        return [disclosure], [party] if party else []
    status = LicenceStatus.NONE if unlicensed else LicenceStatus.VALID
    found = db.session.scalar(select(Institution).where(Institution.region_code == county,
                                                        Institution.licence_status == status)
                              .order_by(Institution.id).limit(1))
    return [], [found] if found else []


def seed() -> int:
    """Add the demo typical cases that are missing (by title), published by the demo reviewer;
    returns how many."""
    reviewer = db.session.scalar(select(User).where(User.username == "demo.reviewer"))
    if reviewer is None:
        return 0
    existing = set(db.session.scalars(select(TypicalCase.title)))
    now, today, added = clock.now(), clock.today(), 0
    for title, county, days_ago, summary, body, title_en, summary_en, body_en, number, drafter_name in DEMO:
        drafter = db.session.scalar(select(User).where(User.username == drafter_name))
        if title in existing or drafter is None:
            continue
        disclosures, institutions = _links(number, county, unlicensed=title == UNLICENSED_TITLE)
        case = TypicalCase(
            region_code=county, title=title, summary=summary, body_source=body, body_html=richtext.render(body),
            title_en=title_en, summary_en=summary_en, body_en_source=body_en,
            body_en_html=richtext.render(body_en) if body_en else "", case_date=today - dt.timedelta(days=days_ago),
            state=ArticleState.PUBLISHED, drafter_id=drafter.id, reviewer_id=reviewer.id, reviewed_at=now,
            published_at=now, disclosures=disclosures, institutions=institutions)
        db.session.add(case)
        added += 1
    db.session.flush()
    return added
