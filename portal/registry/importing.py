"""Checking a registry file (the bureau's own list or an export of the national platform) against
the registry: every row validated with its row number, then planned as new, changed or unchanged.

Rows are matched by USCC, else by licence number, else by exact name in the same county: importing
the same file twice changes nothing. A column the file does not have, or an empty cell, leaves that
fact as it is (clearing a fact is done on the institution's page)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import tabular
from portal.accounts import service as accounts
from portal.accounts.models import User
from portal.extensions import db
from portal.i18n import _
from portal.identifiers import clean, org_code_check_character, uscc_check_character, uscc_problem
from portal.institutions import contact
from portal.institutions.models import Institution, InstitutionKind, LicenceStatus, RegistrationType
from portal.regions import service as regions
from portal.regions.models import RegionLevel
from portal.registry import facts as facts_
from portal.registry.facts import Facts

# field: the column name of the template first, then other names accepted (the national platform's export).
COLUMNS = {
    "name": ("机构名称", "机构全称", "name"),
    "uscc": ("统一社会信用代码", "uscc"),
    "county": ("所属区县代码", "所属区县", "区县代码", "county"),
    "address": ("注册地址", "地址", "address"),
    "kind": ("培训类别", "培训类型", "kind"),
    "licence_status": ("办学许可证状态", "许可证状态", "licence status"),
    "licence_number": ("办学许可证编号", "办学许可证号", "licence number"),
    "licence_issuer": ("发证机关", "licence issuer"),
    "licence_valid_from": ("有效期起", "发证日期", "valid from"),
    "licence_valid_until": ("有效期至", "有效期止", "valid until"),
    "registration_type": ("登记类型", "法人类型", "registration type"),
    "registration_number": ("登记证号", "营业执照号", "registration number"),
    "legal_representative": ("法定代表人", "legal representative"),
    "contact_person": ("联系人", "contact person"), "contact_mobile": ("联系人手机号", "联系电话", "contact mobile"),
    "contact_email": ("联系人电子邮箱", "电子邮箱", "contact email"),
    "platform_number": ("全国平台编号", "平台机构编号", "platform number"),
    "platform_registered_on": ("平台登记日期", "入驻平台日期", "platform registered on"),
    "supervising_bank": ("资金监管银行", "监管银行", "supervising bank"),
    "fee_account_supervised": ("预收费纳入监管", "是否资金监管", "fees supervised"),
    "filed_prices": ("收费备案", "收费标准", "filed prices"),
}
REQUIRED = ("name", "county", "kind")
MAX_ROWS = 50_000  # the command line's first load
WEB_MAX_ROWS = 5_000  # a file checked and applied within a page's request
LIMITS = {"name": 200, "address": 300, "licence_number": 64, "licence_issuer": 200, "registration_number": 64,
          "legal_representative": 50, "contact_person": 50, "contact_mobile": 20, "contact_email": 254,
          "platform_number": 64, "supervising_bank": 100, "filed_prices": 2000}
KIND_WORDS = {
    InstitutionKind.SUBJECT: ("学科", "学科类"),
    InstitutionKind.ARTS: ("艺术", "艺术类", "文化艺术类"),
    InstitutionKind.SPORTS: ("体育", "体育类"),
    InstitutionKind.TECHNOLOGY: ("科技", "科技类"),
    InstitutionKind.OTHER: ("其他", "其他类", "非学科类"),
}
LICENCE_WORDS = {
    LicenceStatus.VALID: ("有效", "正常", "在有效期"),
    LicenceStatus.EXPIRED: ("过期", "已过期", "到期"),
    LicenceStatus.SUSPENDED: ("暂扣", "暂扣许可证件"),
    LicenceStatus.REVOKED: ("吊销", "已吊销", "吊销许可证件"),
    LicenceStatus.NONE: ("无", "未取得", "无证"),
}
REGISTRATION_WORDS = {
    RegistrationType.BUSINESS: ("营业执照", "企业", "公司", "市场监管"),
    RegistrationType.CIVIL: ("民办非企业单位", "民非", "民政"),
    RegistrationType.NONE: ("无", "未登记"),
}
YES, NO = ("是", "yes", "y", "1", "true", "已纳入"), ("否", "no", "n", "0", "false", "未纳入", "")


@dataclass
class PlannedRow:
    """One row of the file: its number as the spreadsheet shows it, what is wrong with it, and
    (when nothing is) what applying it would do."""

    number: int
    name: str
    problems: list[str] = field(default_factory=list)
    action: str = ""  # "new", "changed" or "unchanged"
    institution_id: int | None = None
    version: int | None = None  # the institution's version the plan was made against
    facts: dict | None = None  # the facts after applying, as JSON
    changes: dict[str, tuple[object, object]] = field(default_factory=dict)


@dataclass
class Plan:
    headers: dict[str, str]
    rows: list[PlannedRow]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if not row.problems and row.action == action)

    @property
    def invalid(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.problems]

    @property
    def summary(self) -> dict[str, int]:
        return {"new": self.count("new"), "changed": self.count("changed"), "unchanged": self.count("unchanged"),
                "invalid": len(self.invalid)}


USCC_PROBLEMS = {
    "format": lambda code: _("The unified social credit code %(code)s is not 18 characters of the code's "
                             "alphabet (digits and capital letters but I, O, S, V, Z).", code=code),
    "area": lambda code: _("In the unified social credit code %(code)s, characters 3 to 8 must be the six "
                           "digits of an administrative division.", code=code),
    "organisation": lambda code: _("In the unified social credit code %(code)s, character 17 is not the check "
                                   "character of the organisation code (characters 9 to 17).", code=code),
    "check": lambda code: _("The last character of the unified social credit code %(code)s is not its check "
                            "character.", code=code),
}


def _county(text: str, officer: User | None, places: dict[str, tuple[object, bool]]) -> tuple[object, bool]:
    """The county a cell names and whether the officer covers it, looked up once per file and text."""
    if text not in places:
        county = regions.resolve(text, [RegionLevel.COUNTY])[0] if text else None
        places[text] = (county, county is not None and (officer is None or accounts.covers(officer, county.code)))
    return places[text]


def _read_row(officer: User | None, cells: dict[str, object], headers: dict[str, str],
              problems: list[str], places: dict[str, tuple[object, bool]]) -> dict:
    """The row's values by field (only the columns the file has), problems appended in words."""
    values: dict = {}
    for name, column in headers.items():
        if name in ("county", "kind", "licence_status", "registration_type", "fee_account_supervised") or \
                name in facts_.DATES or name == "uscc":
            continue
        text = tabular.cell_text(cells, name)
        if len(text) > LIMITS.get(name, 200):
            problems.append(_("%(column)s is longer than %(max)s characters.", column=column, max=LIMITS[name]))
        values[name] = text
    if not values.get("name"):
        problems.append(_("%(column)s is empty.", column=headers["name"]))
    if "uscc" in headers:
        code = clean(tabular.cell_text(cells, "uscc"))
        problem = uscc_problem(code) if code else None
        if problem:
            problems.append(USCC_PROBLEMS[problem](code))
        values["uscc"] = code or None
    county_text = tabular.cell_text(cells, "county")
    county, covered = _county(county_text, officer, places)
    if county is None:
        problems.append(_("%(column)s “%(value)s” is not a county (区县) name or code.", column=headers["county"],
                          value=county_text))
    elif not covered:
        problems.append(_("%(column)s “%(value)s” lies outside your jurisdiction.", column=headers["county"],
                          value=county_text))
    else:
        values["region_code"] = county.code
    for name, enum_class, words in (("kind", InstitutionKind, KIND_WORDS),
                                    ("licence_status", LicenceStatus, LICENCE_WORDS),
                                    ("registration_type", RegistrationType, REGISTRATION_WORDS)):
        if name not in headers:
            continue
        text = tabular.cell_text(cells, name)
        member = tabular.coded(text, enum_class, words)
        if member is None and (text or name == "kind"):
            problems.append(_("%(column)s “%(value)s” is not one of the values the template lists.",
                              column=headers[name], value=text))
        values[name] = member
    for name in facts_.DATES:
        if name not in headers:
            continue
        raw = cells.get(name)
        try:
            values[name] = tabular.cell_date(raw) if raw not in (None, "") else None
        except ValueError:
            problems.append(_("%(column)s is not a date (for example 2026-03-01).", column=headers[name]))
    if "fee_account_supervised" in headers:
        word = tabular.key(tabular.cell_text(cells, "fee_account_supervised"))
        if word in YES or word in NO:
            values["fee_account_supervised"] = word in YES
        else:
            problems.append(_("%(column)s must be 是 or 否.", column=headers["fee_account_supervised"]))
    contact.check_row(values, headers, problems)
    return values



def _facts(values: dict, current: Facts | None, problems: list[str], headers: dict[str, str]) -> Facts | None:
    """The row's facts over the current ones (a column not in the file keeps its value)."""
    if problems:
        return None
    base = current.to_json() if current else Facts(name="", region_code="", kind=InstitutionKind.OTHER).to_json()
    base.update({name: (value.isoformat() if isinstance(value, dt.date) else
                        value.value if hasattr(value, "value") else value)
                 for name, value in values.items() if value is not None and value != ""})
    if current is None and values.get("licence_status") is None:
        base["licence_status"] = (LicenceStatus.VALID if values.get("licence_number") else LicenceStatus.NONE).value
    if values.get("platform_number"):
        base["on_national_platform"] = True
    base["licence_number"] = base.get("licence_number") or None
    facts = Facts.from_json(base)
    if facts.licence_status is not LicenceStatus.NONE and not facts.licence_number:
        problems.append(_("A licence status other than “none” needs the licence number."))
    if facts.licence_valid_from and facts.licence_valid_until and facts.licence_valid_until < facts.licence_valid_from:
        problems.append(_("The licence's last day comes before its first."))
    return None if problems else facts


class _Registry:
    """The institutions a file's rows may match, read in a few queries (not three per row)."""

    CHUNK = 500

    def __init__(self, rows: list[dict]) -> None:
        self.by_uscc: dict[str, Institution] = {}
        self.by_licence: dict[str, Institution] = {}
        self.by_name: dict[tuple[str, str], Institution] = {}
        query = select(Institution).options(selectinload(Institution.premises))
        for key_name, column, index in (("uscc", Institution.uscc, self.by_uscc),
                                        ("licence_number", Institution.licence_number, self.by_licence),
                                        ("name", Institution.name, None)):
            wanted = sorted({row[key_name] for row in rows if row.get(key_name)})
            for start in range(0, len(wanted), self.CHUNK):
                for institution in db.session.scalars(query.where(column.in_(wanted[start:start + self.CHUNK]))):
                    if index is not None:
                        index[getattr(institution, key_name)] = institution
                    else:
                        self.by_name.setdefault((institution.name, institution.region_code), institution)

    def find(self, values: dict) -> Institution | None:
        """The registry's institution for a row: by USCC, licence number, or exact name in the county."""
        return (self.by_uscc.get(values.get("uscc") or "") or self.by_licence.get(values.get("licence_number") or "")
                or self.by_name.get((values.get("name", ""), values.get("region_code", ""))))


def plan(content: bytes, officer: User | None, max_rows: int = MAX_ROWS) -> Plan:
    """Read and check a file, and plan each row against the registry as it is now. Raises
    tabular.FileUnreadable when the file cannot be read at all."""
    headers, rows = tabular.read(content, tabular.Layout(COLUMNS, REQUIRED, max_rows))
    places: dict[str, tuple[object, bool]] = {}
    read = []
    for source in rows:
        problems: list[str] = []
        read.append((source, _read_row(officer, source.cells, headers, problems, places), problems))
    registry = _Registry([values for _source, values, _problems in read])
    planned: list[PlannedRow] = []
    seen: dict[tuple[str, str], int] = {}
    for source, values, problems in read:
        row = PlannedRow(number=source.number, name=values.get("name", ""), problems=problems)
        for key_name in ("uscc", "licence_number"):
            value = values.get(key_name)
            if value and (key_name, value) in seen:
                problems.append(_("Row %(row)s has the same %(column)s.", row=seen[(key_name, value)],
                                  column=headers[key_name]))
            elif value:
                seen[(key_name, value)] = source.number
        existing = registry.find(values) if not problems else None
        if existing is not None and officer is not None and not accounts.covers(officer, existing.region_code):
            problems.append(_("This institution is registered outside your jurisdiction."))
            existing = None
        current = facts_.of(existing) if existing is not None else None
        facts = _facts(values, current, problems, headers)
        if facts is not None:
            row.facts = facts.to_json()
            row.changes = facts_.changes(current, facts)
            row.action = "new" if existing is None else ("changed" if row.changes else "unchanged")
            if existing is not None:
                row.institution_id, row.version = existing.id, existing.version
        planned.append(row)
    return Plan(headers=headers, rows=planned)


def template_csv() -> str:
    """A template: the columns and one example row."""
    from portal.csvexport import to_csv

    organisation = "MJ012345"
    first17 = "52330106" + organisation + org_code_check_character(organisation)
    uscc = first17 + uscc_check_character(first17)
    example = ["杭州市西湖区启航文化培训学校", uscc, "330106", "杭州市西湖区文一路1号", "学科类", "有效",
               "教民133010670000001号", "杭州市西湖区教育局", "2024-01-01", "2029-12-31", "民办非企业单位",
               "", "张某", "李某", "13812345678", "contact@example.com", "ZJ3301060001", "2024-03-01",
               "杭州银行西湖支行", "是", "小学数学 60 元/课时"]
    return to_csv([names[0] for names in COLUMNS.values()], [example])
