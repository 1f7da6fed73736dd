"""The national credit data layout of an administrative penalty record (行政处罚信息, 双公示), as
exported for 信用中国 and the provincial credit platforms: one column list, in order, with how each
cell is written. `docs/credit-exchange.md` documents every column, and a test checks an export
against that document."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from portal.casework.models import Category
from portal.disclosures.models import PartyType
from portal.discretion.models import PenaltyCategory

# 行政相对人类别, coded.
PARTY_TYPE_CODES = {PartyType.LEGAL_PERSON: "1", PartyType.NATURAL_PERSON: "2", PartyType.INDIVIDUAL_BUSINESS: "3"}
# 记录类型: the decision published, its publication withdrawn (revoked or changed), ended early by
# credit repair. Each is a record of its own.
KIND_CODES = {"publication": "1", "withdrawal": "2", "repair": "3"}
# What the layout writes for a period without end (a lifelong ban or restriction).
NO_END = dt.date(2099, 12, 31)
TEN_THOUSAND = Decimal(10000)
AMOUNT_PLACES = Decimal("0.000001")  # 万元 to six decimal places: exact for amounts in fen

# The Chinese names of violation types and penalty categories as the platforms read them (the
# export is the same whatever the officer's language).
VIOLATION_NAMES = {
    Category.UNLICENSED: "无证无照经营", Category.FALSE_DEREGISTRATION: "假注销真经营",
    Category.NONPROFIT_FOR_PROFIT: "非营利性机构违规营利", Category.PREPAYMENT_OUTSIDE_ESCROW: "预收费未纳入监管",
    Category.FEES_REFUNDS: "违规收费或退费", Category.BEYOND_STANDARDS: "超标超前培训",
    Category.FORBIDDEN_TIMES: "违反培训时间规定", Category.UNQUALIFIED_STAFF: "聘用不合格人员或在职教师",
    Category.UNAPPROVED_MATERIALS: "使用不符合规定的培训材料", Category.ILLEGAL_COMPETITIONS: "违规举办竞赛",
    Category.ADVERTISING: "虚假宣传或违规广告", Category.DISGUISED_TRAINING: "隐形变异培训",
    Category.SAFETY: "安全隐患", Category.NOT_ON_PLATFORM: "未纳入全国监管平台", Category.OTHER: "其他",
}
PENALTY_NAMES = {
    PenaltyCategory.WARNING: "警告", PenaltyCategory.CRITICISM: "通报批评", PenaltyCategory.FINE: "罚款",
    PenaltyCategory.CONFISCATE_GAINS: "没收违法所得", PenaltyCategory.CONFISCATE_PROPERTY: "没收非法财物",
    PenaltyCategory.SUSPEND_LICENCE: "暂扣许可证件", PenaltyCategory.DOWNGRADE: "降低资质等级",
    PenaltyCategory.REVOKE_LICENCE: "吊销许可证件", PenaltyCategory.RESTRICT_BUSINESS: "限制开展生产经营活动",
    PenaltyCategory.SUSPENSION: "责令停产停业", PenaltyCategory.CLOSURE: "责令关闭",
    PenaltyCategory.OCCUPATIONAL_BAN: "限制从业", PenaltyCategory.STOP_ENROLMENT: "责令停止招收学员",
    PenaltyCategory.STOP_RUNNING: "责令停止举办", PenaltyCategory.OTHER: "其他",
}

# (key, header) in the order of the layout.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("party_name", "行政相对人名称"),
    ("party_type", "行政相对人类别"),
    ("uscc", "行政相对人代码_1(统一社会信用代码)"),
    ("legal_representative", "法定代表人"),
    ("decision_number", "行政处罚决定书文号"),
    ("violation", "违法行为类型"),
    ("facts", "违法事实"),
    ("legal_basis", "处罚依据"),
    ("penalties", "处罚类别"),
    ("penalty_content", "处罚内容"),
    ("fine", "罚款金额(万元)"),
    ("confiscated", "没收违法所得、没收非法财物的金额(万元)"),
    ("decision_date", "处罚决定日期"),
    ("valid_until", "处罚有效期"),
    ("publication_end", "公示截止期"),
    ("authority_name", "处罚机关"),
    ("authority_uscc", "处罚机关统一社会信用代码"),
    ("data_source", "数据来源单位"),
    ("remarks", "备注"),
    ("record_kind", "记录类型"),
    ("record_date", "记录日期"),
    ("record_reason", "撤销或修复原因"),
)
HEADER = tuple(header for _, header in COLUMNS)


def wan(amount: Decimal | None) -> str:
    """Yuan as 万元 with six decimals ("" for none)."""
    return "" if amount is None else str((amount / TEN_THOUSAND).quantize(AMOUNT_PLACES))


def day(value: dt.date | None, open_ended: bool = False) -> str:
    """A date as YYYY-MM-DD; a period without end as 2099-12-31; otherwise ""."""
    if value is None:
        return NO_END.isoformat() if open_ended else ""
    return value.isoformat()
