"""The enforcement matters of 教育部令第53号 (校外培训行政处罚暂行办法, in force 2023-10-15) that the
education bureaus enforce, one for each complaint category, with four discretion tiers each: the
catalogue `flask --app portal discretion load` enters (production and demo alike).

Articles 17 (擅自举办校外培训机构) and 18 (变相开展学科类校外培训) were checked against the published
text; the others (`UNCHECKED`) follow our reading of the order and must be checked by the legal
office before the catalogue is relied on (docs/domain.md, "Enforcement matters catalogue").
Orders to correct, to stop and to refund are not penalty categories: the criteria say them."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal.casework.models import Category as C
from portal.discretion.models import Circumstance, Level
from portal.discretion.models import PenaltyCategory as P

ORDER = "《校外培训行政处罚暂行办法》（教育部令第53号）"
# Articles not yet checked against the published text of the order.
UNCHECKED = frozenset({"第十九条", "第二十条", "第二十二条"})

MINOR, GENERAL, SERIOUS, WORST = (Circumstance.MINOR, Circumstance.GENERAL, Circumstance.SERIOUS,
                                  Circumstance.ESPECIALLY_SERIOUS)


@dataclass(frozen=True)
class Tier:
    circumstance: Circumstance
    criteria: str
    penalties: tuple[P, ...]
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None


@dataclass(frozen=True)
class Matter:
    violation: C
    article: str
    matter: str
    tiers: tuple[Tier, ...]
    level: Level = Level.COUNTY

    @property
    def legal_basis(self) -> str:
        return f"{ORDER}{self.article}"


# 擅自举办 (art. 17): stop running, refund, and a fine of one to five times the illegal gains.
_UNLICENSED = (
    Tier(MINOR, "首次被发现，规模小（学员少于10人），立即停止并全额退费：责令停止举办、退还所收费用，"
                "处违法所得一倍罚款。", (P.STOP_RUNNING, P.FINE)),
    Tier(GENERAL, "责令停止举办、退还所收费用，处违法所得一倍以上二倍以下罚款。", (P.STOP_RUNNING, P.FINE)),
    Tier(SERIOUS, "经责令后仍继续举办，或学员较多、收费较高：责令停止举办、退还所收费用，"
                  "处违法所得二倍以上四倍以下罚款。", (P.STOP_RUNNING, P.FINE, P.CONFISCATE_PROPERTY)),
    Tier(WORST, "拒不停止、造成恶劣社会影响或者严重损害学员权益：责令停止举办、退还所收费用，"
                "处违法所得四倍以上五倍以下罚款；涉嫌犯罪的移送公安机关。",
         (P.STOP_RUNNING, P.FINE, P.CONFISCATE_PROPERTY)),
)

# The tiers of the order's correct–warn–fine articles: warning or public criticism; serious → a fine
# up to ¥50,000; especially serious → ¥50,000 – 100,000 (art. 18 as published).
def _warn_fine(what: str, worst_extra: tuple[P, ...] = ()) -> tuple[Tier, ...]:
    return (
        Tier(MINOR, f"{what}，首次发现、及时改正、未造成危害后果：责令改正，退还所收费用，予以警告。",
             (P.WARNING,)),
        Tier(GENERAL, f"{what}：责令改正，退还所收费用，予以警告或者通报批评。", (P.WARNING, P.CRITICISM)),
        Tier(SERIOUS, f"{what}，经责令改正拒不改正、多次违法或者涉及学员较多：责令改正，退还所收费用，"
                      "处5万元以下罚款。", (P.WARNING, P.CRITICISM, P.FINE), None, Decimal("50000")),
        Tier(WORST, f"{what}，造成恶劣社会影响或者严重损害学员身心健康、合法权益：责令改正，退还所收费用，"
                    "处5万元以上10万元以下罚款。", (P.FINE,) + worst_extra, Decimal("50000"), Decimal("100000")),
    )


_STOP = (P.STOP_ENROLMENT, P.REVOKE_LICENCE)

MATTERS: tuple[Matter, ...] = (
    Matter(C.UNLICENSED, "第十七条", "对擅自举办校外培训机构的行政处罚", _UNLICENSED),
    Matter(C.FALSE_DEREGISTRATION, "第十七条", "对注销后仍以原机构或者其他名义开展校外培训（假注销真经营）的行政处罚",
           _UNLICENSED),
    Matter(C.DISGUISED_TRAINING, "第十八条", "对以隐形变异方式违规开展校外培训的行政处罚",
           _warn_fine("以家政服务、家庭教育指导、托管、研学、众筹私教等名义变相开展学科类校外培训")),
    Matter(C.ILLEGAL_COMPETITIONS, "第十九条", "对擅自组织举办面向中小学生的社会性竞赛活动的行政处罚",
           _warn_fine("擅自组织举办面向中小学生的竞赛、考试、排名等活动")),
    Matter(C.BEYOND_STANDARDS, "第二十条", "对校外培训机构超标超前培训的行政处罚",
           _warn_fine("超出国家课程标准或者提前开展学科类培训", _STOP)),
    Matter(C.FORBIDDEN_TIMES, "第二十条", "对校外培训机构违反培训时间规定的行政处罚",
           _warn_fine("在国家法定节假日、休息日、寒暑假期或者规定时间以外开展学科类培训", _STOP)),
    Matter(C.UNQUALIFIED_STAFF, "第二十条", "对校外培训机构聘用不符合规定人员的行政处罚",
           _warn_fine("聘用无相应资格的人员、在职中小学教师或者不符合规定的境外人员开展培训", _STOP)),
    Matter(C.UNAPPROVED_MATERIALS, "第二十条", "对校外培训机构使用不符合规定培训材料的行政处罚",
           _warn_fine("使用未经审核备案或者内容违反规定的培训材料，或者违规使用境外教材", _STOP)),
    Matter(C.ADVERTISING, "第二十条", "对校外培训机构虚假宣传、违规发布广告的行政处罚",
           _warn_fine("进行虚假或者误导性宣传、制造焦虑，或者违规发布校外培训广告", _STOP)),
    Matter(C.NONPROFIT_FOR_PROFIT, "第二十条", "对非营利性校外培训机构违规营利的行政处罚",
           _warn_fine("登记为非营利性的校外培训机构违规取得办学收益、分配办学结余", _STOP)),
    Matter(C.NOT_ON_PLATFORM, "第二十条", "对校外培训机构未按规定纳入全国监管平台的行政处罚",
           _warn_fine("未按规定在全国校外教育培训监管与服务综合平台登记并接受全流程监管", _STOP)),
    Matter(C.SAFETY, "第二十条", "对校外培训机构存在安全隐患、未落实安全管理要求的行政处罚",
           _warn_fine("培训场所不符合安全条件或者未落实安全管理要求，经责令整改未整改", _STOP)),
    Matter(C.OTHER, "第二十条", "对校外培训机构其他违反法律、行政法规和国家有关规定开展培训活动的行政处罚",
           _warn_fine("违反法律、行政法规和国家有关规定开展培训活动", _STOP)),
    Matter(C.PREPAYMENT_OUTSIDE_ESCROW, "第二十二条", "对校外培训机构违规预收费的行政处罚",
           _warn_fine("预收费未纳入资金监管，或者一次性收取时间跨度超过3个月或60课时的费用", _STOP)),
    Matter(C.FEES_REFUNDS, "第二十二条", "对校外培训机构违规收费、拒不退费的行政处罚",
           _warn_fine("超出备案标准收费、违规收取其他费用，或者拒绝、拖延依法退费", _STOP)),
)
