"""A reader opens the statistics, narrows them to a county and a month, and downloads a table."""
import csv
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_switch_county_and_month_then_download_the_csv(phone_page_without_js):
    page = phone_page_without_js
    page.goto("/stats?lang=en")
    expect(page).to_have_title(re.compile("^Statistics: The whole area, "))
    expect(page.locator("svg[role=img]").first).to_be_visible()

    page.get_by_label("County", exact=True).select_option(label="Xihu District")
    page.get_by_label("Month", exact=True).select_option("2026-10")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_title(re.compile("^Statistics: Xihu District, 2026-10 "))
    expect(page.get_by_role("heading", name="Xihu District in 2026-10")).to_be_visible()
    shown = {}  # column -> text in the selected month's rows of the monthly table and the refund disputes' table
    for caption in ("#monthly-caption", "#refunds-caption"):
        table = page.locator(f"table:has({caption})")
        headers = table.locator("thead th").all_inner_texts()[1:]
        shown |= dict(zip(headers, table.locator("tr.is-selected td").all_inner_texts(), strict=True))
    expect(page.get_by_role("heading", name="Refund disputes")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this table (CSV)").first.click()
    assert download.value.suggested_filename == "stats-monthly-330106-2026-10.csv"
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Month" and len(rows) == 13
    october = next(row for row in rows if row[0] == "2026-10")
    # The file says what the page's two tables say, withheld cells included.
    assert dict(zip(rows[0][1:], october[1:], strict=True)) == shown
