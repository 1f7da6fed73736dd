"""Reading a published blacklist file: an XLSX workbook's first sheet or a CSV file, its header
row matched to the published column names (Chinese) or English ones."""
from __future__ import annotations

from portal import tabular
from portal.tabular import FileUnreadable, SourceRow, key  # noqa: F401 (the feature's names for them)

# field: the published column name first (it heads the template), then other names accepted.
COLUMNS = {
    "name": ("机构名称", "名称", "name", "institution name", "operator name"),
    "uscc": ("统一社会信用代码", "uscc", "unified social credit code", "credit code"),
    "address": ("地址", "address"),
    "county": ("所属区县（代码）", "所属区县(代码)", "所属区县", "区县代码", "county", "county code"),
    "training_type": ("培训类型", "training type", "type"),
    "reason": ("列入事由", "reason"),
    "facts": ("违规事实", "facts"),
    "authority": ("决定机关", "deciding authority", "authority"),
    "listed_on": ("列入日期", "date listed", "listed on"),
    "cutoff_date": ("截止日期", "cut-off date", "cutoff date"),
    "outcome": ("处理结果", "outcome"),
    "decision_numbers": ("关联处罚决定书文号", "处罚决定书文号", "decision numbers", "penalty decision numbers"),
}
ENGLISH = {column: next(name for name in names if name.isascii()) for column, names in COLUMNS.items()}
REQUIRED = ("name", "county", "training_type", "reason", "facts", "authority", "listed_on")
MAX_ROWS = 20_000
LAYOUT = tabular.Layout(COLUMNS, REQUIRED, MAX_ROWS)


def read(content: bytes) -> tuple[dict[str, str], list[SourceRow]]:
    """The columns found and the rows of a published blacklist (XLSX or CSV)."""
    return tabular.read(content, LAYOUT)


def template_csv() -> str:
    """A template for the published columns, with one example row."""
    from portal.csvexport import to_csv

    example = ["西湖某某培训工作室", "", "杭州市西湖区文三路1号", "330106", "学科类", "无证无照",
               "未取得办学许可证，在居民楼内开展学科类培训。", "杭州市西湖区教育局", "2026-03-01", "2026-06-30",
               "责令停止培训，退还费用", "杭西教罚〔2026〕1号"]
    return to_csv([names[0] for names in COLUMNS.values()], [example])
