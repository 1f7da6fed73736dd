"""The public blacklist: only PUBLIC_STATES shown, search by one or two characters of a name and
by USCC, removed entries visible as removed, the detail with its public history and linked
disclosures, the CSV download neutralised, and the Atom feed."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.blacklist import service
from portal.blacklist.models import PUBLIC_STATES, BlacklistEntry, BlacklistReason
from portal.blacklist.models import BlacklistState as B
from portal.disclosures.models import Disclosure, DisclosureState
from portal.extensions import db
from tests.support.accounts import staff_user as user
from tests.support.blacklist import entry_data

ATOM = "{http://www.w3.org/2005/Atom}"
# A character no demo name uses, so results are exactly this test's entries.
MARK = "鹭"


def add(app, name, state=B.LISTED, **overrides) -> int:
    """An entry in the given state, committed (the test's transaction is rolled back later)."""
    with app.app_context():
        entry = service.add_listed(entry_data(name=name, listed_on=dt.date(2026, 3, 1), **overrides), "测试批次")
        entry.state = state
        if state is B.REMOVED:
            entry.removed_on, entry.removal_reason = dt.date(2026, 5, 6), "已取得办学许可证，整改到位"
        db.session.commit()
        return entry.id


def names(page_html: str) -> set[str]:
    return set(re.findall(r'<h3 class="card__title"><a href="/blacklist/\d+">([^<]+)</a>', page_html))


def test_only_public_states_are_listed_and_removed_ones_on_request(app, client):
    ids = {state: add(app, f"{MARK}岛{state.value}培训部", state, region_code="330108") for state in B}
    shown = names(client.get(f"/blacklist?q={MARK}岛").get_data(as_text=True))
    assert shown == {f"{MARK}岛{s.value}培训部" for s in (B.LISTED, B.RECTIFYING, B.REMOVAL_REQUESTED)}
    with_removed = names(client.get(f"/blacklist?q={MARK}岛&removed=y").get_data(as_text=True))
    assert with_removed == {f"{MARK}岛{s.value}培训部" for s in PUBLIC_STATES}
    for state, entry_id in ids.items():
        assert client.get(f"/blacklist/{entry_id}").status_code == (200 if state in PUBLIC_STATES else 404), state
    export = client.get(f"/blacklist.csv?q={MARK}岛&removed=y").get_data(as_text=True)
    assert all((f"{MARK}岛{s.value}培训部" in export) == (s in PUBLIC_STATES) for s in B)


def test_each_card_names_its_own_area_in_the_page_language(app, client):
    """The list loads the entries' areas in one query of its own: each card must still show its
    entry's area, not a neighbour's, in Chinese and in English."""
    add(app, f"{MARK}滨培训部", region_code="330108")
    add(app, f"{MARK}西培训部", region_code="330106")
    for lang, binjiang, xihu in (("zh-CN", "浙江省杭州市滨江区", "浙江省杭州市西湖区"),
                                 ("en", "Binjiang District", "Xihu District")):
        html = client.get(f"/blacklist?q={MARK}&lang={lang}").get_data(as_text=True)
        card = r'<a href="/blacklist/\d+">([^<]+)</a></h3>.*?<p class="card__meta">[^<·]*· ([^<]+)</p>'
        cards = dict(re.findall(card, html, re.S))
        assert binjiang in cards[f"{MARK}滨培训部"] and xihu not in cards[f"{MARK}滨培训部"], lang
        assert xihu in cards[f"{MARK}西培训部"] and binjiang not in cards[f"{MARK}西培训部"], lang


def test_search_by_one_and_two_characters_and_by_code(app, client):
    egret = add(app, f"西湖{MARK}鸣艺术工作室", uscc="52330108215736816B", region_code="330108")
    other = add(app, f"{MARK}园体育俱乐部", region_code="330106")
    assert names(client.get(f"/blacklist?q={MARK}").get_data(as_text=True)) >= {
        f"西湖{MARK}鸣艺术工作室", f"{MARK}园体育俱乐部"}
    assert names(client.get(f"/blacklist?q={MARK}鸣").get_data(as_text=True)) == {f"西湖{MARK}鸣艺术工作室"}
    assert names(client.get(f"/blacklist?q={MARK}鸣艺术工作").get_data(as_text=True)) == {f"西湖{MARK}鸣艺术工作室"}
    assert names(client.get("/blacklist?q=52330108215736816B").get_data(as_text=True)) == {f"西湖{MARK}鸣艺术工作室"}
    assert names(client.get("/blacklist?q=5233 0108").get_data(as_text=True)) >= {f"西湖{MARK}鸣艺术工作室"}
    by_county = names(client.get(f"/blacklist?q={MARK}&region=330106").get_data(as_text=True))
    assert by_county == {f"{MARK}园体育俱乐部"}
    by_reason = client.get(f"/blacklist?q={MARK}&reason=safety").get_data(as_text=True)
    assert names(by_reason) == set()
    page = client.get(f"/blacklist?q={MARK}&lang=en").get_data(as_text=True)
    assert "No code" in page and "52330108215736816B" in page  # "无代码" in Chinese
    assert egret != other


def test_removed_entry_shows_removed_with_date_and_reason(app, client):
    entry_id = add(app, f"{MARK}湾培训部", B.REMOVED)
    listing = client.get(f"/blacklist?q={MARK}湾&removed=y&lang=en").get_data(as_text=True)
    assert "Removed on May 6, 2026" in listing
    page = client.get(f"/blacklist/{entry_id}?lang=en").get_data(as_text=True)
    assert "Removed from the blacklist on May 6, 2026." in page and "已取得办学许可证，整改到位" in page


def test_detail_shows_fields_public_history_and_linked_disclosures(app, client):
    with app.app_context():
        disclosure = db.session.scalar(select(Disclosure).where(Disclosure.state == DisclosureState.PUBLISHED)
                                       .limit(1))
        number, disclosure_id = disclosure.decision_number, disclosure.id
    entry_id = add(app, f"{MARK}洲培训部", decision_numbers=[number, "未公开〔2026〕9号"],
                   reason=BlacklistReason.ILLEGAL_TRAINING)
    with app.app_context():
        entry = db.session.get(BlacklistEntry, entry_id)
        handler, reviewer = user("pub.handler", Role.HANDLER), user("pub.reviewer", Role.REVIEWER, "330100")
        service.take(entry, "request_removal", handler, "整改完成")
        service.take(entry, "refuse_removal", reviewer, "内部意见：仍有违规招生线索")
        db.session.commit()
    page = client.get(f"/blacklist/{entry_id}?lang=en").get_data(as_text=True)
    assert f'href="/disclosures/{disclosure_id}"' in page and "未公开〔2026〕9号" in page
    assert "Listed from a published list" in page and "batch 测试批次" in page
    assert "Removal requested" in page and "Removal refused" in page
    assert "内部意见" not in page and "pub.handler" not in page  # no internal note, no officer's name
    assert "Illegal training" in page and "杭州市西湖区教育局" in page


def test_csv_cells_that_look_like_formulas_are_neutralised(app, client):
    add(app, f"=HYPERLINK(\"http://evil\"){MARK}", facts="+1+1", address="-2", outcome="@SUM(A1)")
    body = client.get(f"/blacklist.csv?q={MARK}&lang=en").get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:2] == ["Institution or operator", "Unified social credit code"]
    row = next(r for r in rows if "HYPERLINK" in r[0])
    assert row[0].startswith("'=") and row[2] == "'-2" and row[7] == "'+1+1" and row[12] == "'@SUM(A1)"
    assert row[1] == "No code"


def test_the_feed_is_well_formed_atom(app, client):
    entry_id = add(app, f"{MARK}<&>feed培训部", B.REMOVED)
    response = client.get("/blacklist.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}updated")
    entry = next(e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}id").endswith(f"/blacklist/{entry_id}"))
    assert f"{MARK}<&>feed培训部" in entry.findtext(f"{ATOM}title")
    assert "已取得办学许可证" in entry.findtext(f"{ATOM}summary")


def test_characters_xml_does_not_allow_neither_come_in_nor_break_the_feed(app, client):
    """U+FFFF and its kind are dropped from typed input, and from whatever is stored already."""
    from portal.text import clean_text

    assert clean_text("培训\uffff部\ufffe\ud800") == "培训部"
    entry_id = add(app, f"{MARK}坏字符培训部")
    with app.app_context():  # stored before the rule, or by another door
        db.session.get(BlacklistEntry, entry_id).name = f"{MARK}坏\uffff字\x0b符\ufffe培训部"
        db.session.commit()
    response = client.get("/blacklist.atom")
    assert response.status_code == 200
    feed = ET.fromstring(response.get_data())
    entry = next(e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}id").endswith(f"/blacklist/{entry_id}"))
    assert f"{MARK}坏字符培训部" in entry.findtext(f"{ATOM}title")


def test_the_list_page_does_not_grow_queries_with_its_rows(app, client, count_queries):
    client.get(f"/blacklist?q={MARK}")  # warm up
    add(app, f"{MARK}一号培训部")
    with count_queries() as one:
        client.get(f"/blacklist?q={MARK}")
    for n in range(8):
        add(app, f"{MARK}{n}号补充培训部", region_code=("330106", "330108", "330110")[n % 3])
    with count_queries() as many:
        client.get(f"/blacklist?q={MARK}")
    assert many.count == one.count, many.statements


@pytest.mark.parametrize("url", ["/blacklist/0", "/blacklist/99999999", "/blacklist/2147483648"])
def test_unknown_entries_are_not_found(client, url):
    assert client.get(url).status_code == 404
