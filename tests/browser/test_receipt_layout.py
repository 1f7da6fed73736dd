"""The receipt code stays on one line on the narrowest phone, in both languages."""
import pytest
from playwright.sync_api import expect

from tests.support.complaints import form_fields

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_receipt_code_fits_one_line_at_360_px(phone_page, lang):
    page = phone_page
    page.goto(f"/complaints/new?lang={lang}")
    fields = form_fields()
    page.locator(f"input[name=category][value={fields['category']}]").check()
    page.locator("#not_listed").check()
    for name in ("institution_name", "institution_address", "region", "description", "occurred_on"):
        page.locator(f"#{name}").fill(fields[name])
    page.locator("button.button--large").click()
    code = page.locator(".receipt__code")
    expect(code).to_be_visible()
    box = code.bounding_box()
    line_height = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.receipt__code')).lineHeight)")
    assert box["height"] < 2 * line_height, "the receipt code wrapped"
    assert box["x"] + box["width"] <= 360
