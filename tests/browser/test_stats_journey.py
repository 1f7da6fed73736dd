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
    selected = page.locator("table.stats-table tr.is-selected").first
    cells = selected.locator("td").all_inner_texts()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this table (CSV)").first.click()
    assert download.value.suggested_filename == "stats-monthly-330106-2026-10.csv"
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Month" and len(rows) == 13
    october = next(row for row in rows if row[0] == "2026-10")
    assert october[1:] == cells  # the file says what the page says, withheld cells included
