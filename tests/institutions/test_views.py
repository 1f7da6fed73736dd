"""Registry pages: search, filters, pagination, bad input, detail."""
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.institutions.models import Institution


def result_count(page: str) -> int:
    return int(re.search(r'results-count">\s*\D*?(\d+)', page).group(1))


def test_search_finds_peixun_and_one_character(client):
    assert result_count(client.get("/institutions?q=培训").get_data(as_text=True)) > 150
    page = client.get("/institutions?q=艺&lang=zh_CN").get_data(as_text=True)
    assert result_count(page) > 0 and "艺" in page


def test_region_filter_by_name(client):
    page = client.get("/institutions?region=湟中区&lang=en").get_data(as_text=True)
    assert result_count(page) > 0
    assert "Huangzhong District" in page and "Hangzhou" not in page.split("results-heading")[1]


def test_ambiguous_region_offers_choices_that_keep_the_query(client):
    page = client.get("/institutions?q=培训&region=朝阳&lang=zh_CN").get_data(as_text=True)
    assert "有多个地区相符" in page
    assert "辽宁省朝阳市" in page and "北京市朝阳区" in page
    assert "region=211300" in page and "q=%E5%9F%B9%E8%AE%AD" in page


def test_unknown_region_says_so_beside_the_field_and_lists_nothing(client):
    page = client.get("/institutions?region=火星&lang=en").get_data(as_text=True)
    assert 'id="region-error"' in page and "No place matches" in page
    assert 'aria-invalid="true"' in page and 'value="火星"' in page
    assert 'class="card"' not in page and "Choose the area in the list above" in page
    assert "<title>Error:" in page


def test_ambiguous_region_lists_nothing_until_chosen(client):
    page = client.get("/institutions?region=朝阳&lang=zh_CN").get_data(as_text=True)
    assert 'class="card"' not in page and "请先在上方列表中选择地区" in page


def test_chosen_region_is_shown_by_name(client):
    page = client.get("/institutions?region=211300&lang=zh_CN").get_data(as_text=True)
    assert 'value="辽宁省朝阳市"' in page


def test_unknown_kind_is_ignored_quietly(client):
    page = client.get("/institutions?kind=bogus&lang=en").get_data(as_text=True)
    assert 'id="kind-error"' not in page and result_count(page) > 200


def field_value(page: str, field_id: str) -> str:
    """The value a search field shows."""
    field = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', page).group(0)
    return re.search(r'value="([^"]*)"', field).group(1)


@pytest.mark.parametrize("url,field,left,same_as", [
    ("/institutions?q=%00", "q", "", "/institutions"),
    ("/institutions?region=%00", "region", "", "/institutions"),
    ("/institutions?q=a%00b%1f", "q", "ab", "/institutions?q=ab"),
    ("/institutions?q=%E2%80%AE%00", "q", "", "/institutions"),  # a right-to-left override, then NUL
    ("/institutions?q=培%00训", "q", "培训", "/institutions?q=培训"),
])
def test_control_characters_are_dropped_not_a_server_error(client, url, field, left, same_as):
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "\x00" not in page and "\u202e" not in page
    assert field_value(page, field) == left  # exactly the control characters are gone, the rest kept
    assert result_count(page) == result_count(client.get(same_as).get_data(as_text=True))


def test_control_characters_are_dropped_from_region_suggestions(client):
    assert client.get("/regions/suggest?q=%00").get_json() == []
    assert client.get("/regions/suggest?q=西%00湖").get_json() == client.get("/regions/suggest?q=西湖").get_json() != []


@pytest.mark.parametrize("bad", ["abc", "-3", "0", "9999999999999", "1.5", ""])
def test_malformed_page_numbers_give_the_first_page(client, bad):
    response = client.get(f"/institutions?page={bad}&lang=en")
    assert response.status_code == 200
    assert re.search(r"Page 1 of \d+", response.get_data(as_text=True))


def test_page_past_the_end_shows_the_last_page(client):
    page = client.get("/institutions?page=500&lang=en").get_data(as_text=True)
    pages = re.search(r"Page (\d+) of (\d+)", page)
    assert pages.group(1) == pages.group(2)


def test_overlong_query_is_cut_not_an_error(client):
    response = client.get("/institutions", query_string={"q": "培" * 10_000})
    assert response.status_code == 200
    shown = re.search(r'id="q"[^>]*value="(培+)"', response.get_data(as_text=True)) or \
        re.search(r'value="(培+)"[^>]*id="q"', response.get_data(as_text=True))
    assert len(shown.group(1)) == 100


def test_list_page_runs_a_fixed_number_of_queries(client, count_queries):
    with count_queries() as small:
        client.get("/institutions?q=培训&page=1")
    with count_queries() as large:
        client.get("/institutions?page=2")
    assert small.count == large.count <= 4  # count, page, regions in one batch


def test_detail_page(client, app):
    with app.app_context():
        institution = db.session.scalar(
            select(Institution).where(Institution.licence_status == "none").limit(1))
    page = client.get(f"/institutions/{institution.id}?lang=zh_CN").get_data(as_text=True)
    assert institution.name in page
    assert "未持有有效的办学许可证" in page and "请勿预先缴费" in page
    assert client.get("/institutions/0").status_code == 404
