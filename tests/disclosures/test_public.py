"""The public side of penalty disclosures: what is visible when, masking, search, filters, the CSV
download, the Atom feed and the enforcement matters catalogue."""
import csv
import datetime as dt
import io
import itertools
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from sqlalchemy import delete

from portal import clock
from portal.accounts import service as accounts
from portal.accounts.models import Role
from portal.casework.models import Category
from portal.disclosures import queries
from portal.disclosures.models import Circumstance, Disclosure, DisclosureState, PartyType, Tier
from portal.discretion import service as catalogue
from portal.discretion.models import DiscretionRule, Level
from portal.extensions import db
from tests.support.pages import english_phrases, visible_text

ATOM = "{http://www.w3.org/2005/Atom}"
D = dt.date
_numbers = itertools.count(1)


@pytest.fixture
def drafter(ctx) -> int:
    """A drafter, on a table emptied of the demo disclosures (the test's transaction restores them)."""
    from portal.practitioners.models import BlacklistLink, PractitionerBan
    from portal.typical.models import typical_case_disclosures

    db.session.execute(delete(typical_case_disclosures))  # demo typical cases cite demo decisions
    db.session.execute(delete(BlacklistLink))  # the demo banned practitioner rests on a demo decision
    db.session.execute(delete(PractitionerBan))
    db.session.execute(delete(Disclosure))
    user, _ = accounts.create_user("disc_drafter", "起草人", Role.HANDLER, "330106", "330106000001")
    db.session.flush()
    return user.id


def make(drafter_id: int, **overrides) -> Disclosure:
    """A published disclosure about a legal person, decided 2026-03-01 and shown until 2026-06-01."""
    number = next(_numbers)
    values = dict(
        region_code="330106", party_name="杭州星辰教育科技有限公司", party_type=PartyType.LEGAL_PERSON,
        uscc="91330106MA2KXYZ12A", legal_representative="张大伟", decision_number=f"西教罚〔2026〕{number}号",
        violation=Category.UNLICENSED, circumstance=Circumstance.GENERAL, facts="无证开展学科类培训。",
        legal_basis="《校外培训行政处罚暂行办法》第十三条", penalties="warning,fine",
        penalty_content="警告，罚款人民币贰万元。", fine_amount=Decimal("20000.00"), confiscated_amount=None,
        decision_date=D(2026, 3, 1), valid_until=None, tier=Tier.GENERAL, period_months=3,
        publication_end=D(2026, 6, 1),
        authority_name="杭州市西湖区教育局", authority_uscc="11330106002500000X", data_source="杭州市西湖区教育局",
        state=DisclosureState.PUBLISHED, drafter_id=drafter_id,
        published_at=dt.datetime(2026, 3, 3, 2, 0, tzinfo=dt.timezone.utc))
    values.update(overrides)
    disclosure = Disclosure(**values)
    db.session.add(disclosure)
    db.session.flush()
    return disclosure


def ids(page) -> set[int]:
    return {d.id for d in page.items}


def search(today=D(2026, 4, 1), **query) -> set[int]:
    return ids(queries.search(queries.DisclosureQuery(**query), 1, 50, today))


# Visibility, computed at query time


def test_visible_through_the_publication_end_and_gone_the_day_after(ctx, drafter):
    shown = make(drafter).id
    assert shown in search(today=D(2026, 3, 1))
    assert shown in search(today=D(2026, 6, 1))
    assert shown not in search(today=D(2026, 6, 2))
    assert queries.get_public(shown, D(2026, 6, 1)).id == shown
    with pytest.raises(queries.DisclosureNotFound):
        queries.get_public(shown, D(2026, 6, 2))


def test_an_early_end_after_credit_repair_is_honoured(ctx, drafter):
    repaired = make(drafter, ended_early_on=D(2026, 4, 10)).id
    assert repaired in search(today=D(2026, 4, 10))
    assert repaired not in search(today=D(2026, 4, 11))
    with pytest.raises(queries.DisclosureNotFound):
        queries.get_public(repaired, D(2026, 4, 11))


@pytest.mark.parametrize("state", [DisclosureState.DRAFT, DisclosureState.IN_REVIEW, DisclosureState.RETURNED])
def test_unpublished_states_are_never_visible(ctx, drafter, state):
    hidden = make(drafter, state=state, published_at=None).id
    assert hidden not in search()
    with pytest.raises(queries.DisclosureNotFound):
        queries.get_public(hidden, D(2026, 4, 1))
    assert hidden not in {d.id for d in queries.latest(D(2026, 4, 1))}


def test_withdrawn_stays_visible_marked_with_its_reason(ctx, drafter):
    withdrawn = make(drafter, state=DisclosureState.WITHDRAWN, withdrawal_reason="行政复议决定撤销原处罚决定",
                     withdrawn_at=dt.datetime(2026, 3, 20, 1, 0, tzinfo=dt.timezone.utc))
    shown = queries.get_public(withdrawn.id, D(2026, 4, 1))
    assert shown.withdrawn and shown.withdrawal_reason == "行政复议决定撤销原处罚决定"
    assert withdrawn.id in search()


def test_unknown_ids_are_not_found(ctx):
    for bad in (0, -1, 2**31, 10**9):
        with pytest.raises(queries.DisclosureNotFound):
            queries.get_public(bad, D(2026, 4, 1))


# Masking


@pytest.mark.parametrize("name, masked", [("王小明", "王**"), ("李四", "李*"), (" 欧阳娜娜 ", "欧***"), ("", "")])
def test_mask_name(name, masked):
    assert queries.mask_name(name) == masked


def test_natural_person_and_individual_business_operator_are_masked(ctx, drafter):
    person = make(drafter, party_name="王小明", party_type=PartyType.NATURAL_PERSON, uscc=None,
                  legal_representative="")
    shop = make(drafter, party_name="西湖区小蜜蜂托管部", party_type=PartyType.INDIVIDUAL_BUSINESS,
                legal_representative="李四")
    company = make(drafter)
    assert queries.get_public(person.id, D(2026, 4, 1)).party_name == "王**"
    shown_shop = queries.get_public(shop.id, D(2026, 4, 1))
    assert shown_shop.party_name == "西湖区小蜜蜂托管部" and shown_shop.legal_representative == "李*"
    assert queries.get_public(company.id, D(2026, 4, 1)).legal_representative == "张大伟"


def test_a_full_name_cannot_be_confirmed_by_search(ctx, drafter):
    person = make(drafter, party_name="王小明", party_type=PartyType.NATURAL_PERSON, uscc=None).id
    assert person not in search(text="王小明")
    assert person not in search(text="小明")
    assert person in search(text="王")


# Search and filters


def test_search_by_one_chinese_character_decision_number_and_uscc_prefix(ctx, drafter):
    star = make(drafter).id
    moon = make(drafter, party_name="明月艺术培训中心", uscc="52330106ABCDEFGH9K",
                decision_number="西教罚〔2026〕999号").id
    assert search(text="辰") == {star}
    assert search(text="月") == {moon}
    assert search(text="〔2026〕999") == {moon}
    assert search(text="91330106MA2K") == {star}
    assert search(text="52330106") == {moon}
    assert search(text="5233 0106") == {moon}  # spaced as people copy it


def test_search_treats_wildcards_as_text(ctx, drafter):
    make(drafter)
    assert search(text="%") == set() and search(text="_") == set()


def test_region_filter_keeps_to_the_area(ctx, drafter):
    xihu = make(drafter).id
    shangcheng = make(drafter, region_code="330102").id
    beijing = make(drafter, region_code="110105").id
    assert search(region_prefix="330106") == {xihu}
    assert search(region_prefix="3301") == {xihu, shangcheng}
    assert beijing not in search(region_prefix="33")


def test_each_listed_disclosure_carries_its_own_area(ctx, drafter):
    """The list loads its rows' areas in one query of its own: each must get its own row's area."""
    made = {make(drafter, region_code=code).id: code for code in ("330106", "330102", "110105")}
    page = queries.search(queries.DisclosureQuery(), 1, 50, D(2026, 4, 1))
    assert {shown.id: shown.region.code for shown in page.items} == made
    assert {shown.region.path("zh_CN") for shown in page.items} >= {"浙江省杭州市西湖区", "浙江省杭州市上城区"}


def test_violation_filter(ctx, drafter):
    unlicensed = make(drafter).id
    times = make(drafter, violation=Category.FORBIDDEN_TIMES).id
    assert search(violation=Category.FORBIDDEN_TIMES) == {times}
    assert unlicensed in search(violation=Category.UNLICENSED) and times not in search(violation=Category.UNLICENSED)


def test_penalty_filter_matches_whole_values_only(ctx, drafter):
    from portal.disclosures.models import PenaltyCategory as P
    fined = make(drafter, penalties="fine").id
    warned = make(drafter, penalties="warning,confiscate_gains").id
    property_taken = make(drafter, penalties="confiscate_property,closure", fine_amount=None).id
    assert search(penalty=P.FINE) == {fined}
    assert search(penalty=P.WARNING) == {warned}
    assert search(penalty=P.CONFISCATE_GAINS) == {warned}
    assert search(penalty=P.CLOSURE) == {property_taken}
    assert search(penalty=P.SUSPENSION) == set()


def test_decision_date_range(ctx, drafter):
    early = make(drafter, decision_date=D(2026, 2, 1)).id
    late = make(drafter, decision_date=D(2026, 3, 15)).id
    assert search(decided_from=D(2026, 3, 1)) == {late}
    assert search(decided_to=D(2026, 2, 1)) == {early}
    assert search(decided_from=D(2026, 2, 1), decided_to=D(2026, 3, 15)) == {early, late}


def test_newest_decision_first(ctx, drafter):
    older = make(drafter, decision_date=D(2026, 2, 1)).id
    newer = make(drafter, decision_date=D(2026, 3, 20)).id
    items = queries.search(queries.DisclosureQuery(), 1, 50, D(2026, 4, 1)).items
    order = [d.id for d in items if d.id in (older, newer)]
    assert order == [newer, older]


# Pages, through the client (dates relative to today, as the views use the real clock)


def published_now(app, **overrides) -> list[int]:
    """Commit disclosures visible today; return their ids."""
    today = clock_today(app)
    with app.app_context():
        user, _ = accounts.create_user("disc_page_drafter", "起草人", Role.HANDLER, "330106", "330106000002")
        db.session.flush()
        rows = overrides.pop("rows", [{}])
        made = [make(user.id, **{"decision_date": today - dt.timedelta(days=10),
                                 "publication_end": today + dt.timedelta(days=80),
                                 "published_at": dt.datetime.now(dt.timezone.utc), **overrides, **row})
                for row in rows]
        db.session.commit()
        return [d.id for d in made]


def clock_today(app) -> dt.date:
    with app.test_request_context():
        return clock.today()


def test_list_detail_and_feed_never_show_a_natural_persons_name(client, app):
    person, shop = published_now(app, rows=[
        {"party_name": "王小明", "party_type": PartyType.NATURAL_PERSON, "uscc": None, "legal_representative": ""},
        {"party_name": "小蜜蜂托管部", "party_type": PartyType.INDIVIDUAL_BUSINESS, "legal_representative": "李四"}])
    pages = [client.get("/disclosures?lang=zh_CN").get_data(as_text=True),
             client.get(f"/disclosures/{person}?lang=zh_CN").get_data(as_text=True),
             client.get(f"/disclosures/{shop}?lang=zh_CN").get_data(as_text=True),
             client.get("/disclosures.csv?lang=zh_CN").get_data(as_text=True),
             client.get("/disclosures.atom?lang=zh_CN").get_data(as_text=True)]
    for page in pages:
        assert "王小明" not in page and "李四" not in page
    assert "王**" in pages[0] and "王**" in pages[1] and "王**" in pages[3] and "王**" in pages[4]
    assert "小蜜蜂托管部" in pages[2] and "李*" in pages[2]


def test_detail_shows_the_public_fields(client, app):
    [shown] = published_now(app, confiscated_amount=Decimal("3500.50"), remarks="已整改", valid_until=D(2027, 1, 1))
    page = client.get(f"/disclosures/{shown}?lang=en").get_data(as_text=True)
    for text in ("杭州星辰教育科技有限公司", "91330106MA2KXYZ12A", "张大伟", "〔2026〕", "无证开展学科类培训",
                 "第十三条", "Warning", "Fine", "罚款人民币贰万元", "20,000.00", "3,500.50", "January 1, 2027",
                 "杭州市西湖区教育局", "11330106002500000X", "已整改", "Operating without a licence"):
        assert text in page, text
    assert client.get(f"/disclosures/{shown}").headers["Cache-Control"] == "public, max-age=300"


def test_withdrawn_detail_says_so_at_the_top_with_the_reason(client, app):
    [shown] = published_now(app, state=DisclosureState.WITHDRAWN, withdrawal_reason="原处罚决定已被撤销",
                            withdrawn_at=dt.datetime.now(dt.timezone.utc))
    page = client.get(f"/disclosures/{shown}?lang=en").get_data(as_text=True)
    top = page.split('class="facts"')[0]
    assert "This decision has been withdrawn." in top and "原处罚决定已被撤销" in top
    assert "Withdrawn" in client.get("/disclosures?lang=en").get_data(as_text=True)


def test_hidden_disclosures_answer_404(client, app):
    today = clock_today(app)
    draft, expired = published_now(app, rows=[
        {"state": DisclosureState.IN_REVIEW, "published_at": None},
        {"decision_date": today - dt.timedelta(days=100), "publication_end": today - dt.timedelta(days=1)}])
    assert client.get(f"/disclosures/{draft}").status_code == 404
    assert client.get(f"/disclosures/{expired}").status_code == 404
    assert client.get("/disclosures/0").status_code == 404


def result_count(page: str) -> int:
    return int(re.search(r'results-count">\s*\D*?(\d+)', page).group(1))


def test_list_page_filters_through_the_form(client, app):
    published_now(app, rows=[{"party_name": "晨曦书画院", "violation": Category.FORBIDDEN_TIMES,
                              "penalties": "criticism", "fine_amount": None},
                             {"party_name": "晨光编程", "region_code": "110105"}])
    assert result_count(client.get("/disclosures?q=晨&lang=en").get_data(as_text=True)) == 2
    page = client.get("/disclosures?q=晨&region=西湖区&lang=en").get_data(as_text=True)
    assert 'class="card"' not in page and "region=330106" in page and "q=%E6%99%A8" in page  # two 西湖区
    page = client.get("/disclosures?q=晨&region=330106&lang=en").get_data(as_text=True)
    assert result_count(page) == 1 and "晨曦书画院" in page and "晨光编程" not in page
    assert result_count(client.get("/disclosures?q=晨&violation=forbidden_times").get_data(as_text=True)) == 1
    assert result_count(client.get("/disclosures?q=晨&penalty=criticism").get_data(as_text=True)) == 1
    assert result_count(client.get("/disclosures?q=晨&penalty=bogus").get_data(as_text=True)) == 2


def test_bad_dates_are_explained_beside_the_field(client, app):
    published_now(app)
    page = client.get("/disclosures?decided_from=2026-13-45&lang=en").get_data(as_text=True)
    assert 'id="decided_from-error"' in page and 'class="card"' not in page and "<title>Error:" in page
    page = client.get("/disclosures?decided_from=2026-05-01&decided_to=2026-04-01&lang=en").get_data(as_text=True)
    assert 'id="decided_to-error"' in page and "before the first one" in page
    assert client.get("/disclosures.csv?decided_from=nonsense").status_code == 400


def test_list_links_the_feed_and_works_without_script(client, app):
    published_now(app)
    page = client.get("/disclosures?lang=en").get_data(as_text=True)
    assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="/disclosures.atom"', page)
    for name in ("q", "region", "violation", "penalty", "decided_from", "decided_to"):
        assert f'<label class="field__label" for="{name}"' in page, name
    assert '<form class="filters" method="get"' in page


def test_list_page_runs_a_fixed_number_of_queries(client, app, count_queries):
    published_now(app, rows=[{"party_name": f"测试独一机构{i}号", "region_code": ("330106", "330102")[i % 2]}
                             for i in range(10)])
    client.get("/disclosures?q=测试独一")  # warm up: region lookups, templates
    with count_queries() as one:
        page = client.get("/disclosures?q=测试独一机构3号").get_data(as_text=True)
    assert result_count(page) == 1
    with count_queries() as ten:
        page = client.get("/disclosures?q=测试独一").get_data(as_text=True)
    assert result_count(page) == 10
    assert one.count == ten.count <= 4


# The CSV download


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+1+2", "-3", "@SUM(A1)"])
def test_csv_neutralises_formulas(client, app, name):
    published_now(app, party_name=name)
    rows = read_csv(client.get("/disclosures.csv?lang=en"))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + name in cells and name not in cells


def test_csv_has_headers_in_the_page_language_and_the_same_filters(client, app):
    published_now(app, rows=[{"party_name": "甲乙书院"},
                             {"party_name": "丙丁书院", "violation": Category.UNAPPROVED_MATERIALS}])
    response = client.get("/disclosures.csv?q=书院&violation=materials&lang=en")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:2] == ["Decision number", "Party"]
    assert [row[1] for row in rows[1:]] == ["丙丁书院"]
    assert "20000.00" in rows[1]
    english_header = read_csv(client.get("/disclosures.csv?q=书院&lang=en"))[0]
    chinese_header = read_csv(client.get("/disclosures.csv?q=书院&lang=zh_CN"))[0]
    assert len(english_header) == len(chinese_header) and english_header[0] == "Decision number"


# The Atom feed


def test_feed_is_valid_atom_with_absolute_links_and_escaped_text(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL_SET", True)  # as PORTAL_BASE_URL is in production
    today = clock_today(app)
    shown, withdrawn, hidden = published_now(app, rows=[
        {"party_name": "<b>&\"尖括号\"培训</b>"},
        {"party_name": "已撤销培训", "state": DisclosureState.WITHDRAWN, "withdrawal_reason": "决定变更",
         "withdrawn_at": dt.datetime.now(dt.timezone.utc)},
        {"party_name": "草稿培训", "state": DisclosureState.DRAFT, "published_at": None}])
    response = client.get("/disclosures.atom?lang=en", headers={"Host": "evil.example"})
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text and root.find(f"{ATOM}id").text.startswith("http")
    dt.datetime.fromisoformat(root.find(f"{ATOM}updated").text)
    entries = {e.find(f"{ATOM}link").get("href"): e for e in root.findall(f"{ATOM}entry")}
    base = app.config["BASE_URL"].rstrip("/")
    assert f"{base}/disclosures/{shown}" in entries and f"{base}/disclosures/{withdrawn}" in entries
    assert f"{base}/disclosures/{hidden}" not in entries and "evil.example" not in response.get_data(as_text=True)
    entry = entries[f"{base}/disclosures/{shown}"]
    assert "<b>&\"尖括号\"培训</b>" in entry.find(f"{ATOM}title").text
    dt.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
    assert str(today - dt.timedelta(days=10)) in entry.find(f"{ATOM}summary").text
    assert "决定变更" in entries[f"{base}/disclosures/{withdrawn}"].find(f"{ATOM}summary").text
    assert len(root.findall(f"{ATOM}entry")) <= queries.FEED_SIZE


def test_feed_holds_at_most_fifty(client, app):
    published_now(app, rows=[{"party_name": f"批量机构{i}"} for i in range(55)])
    root = ET.fromstring(client.get("/disclosures.atom").get_data())
    assert len(root.findall(f"{ATOM}entry")) == 50


# The enforcement matters catalogue


def test_catalogue_lists_the_rules_grouped_by_violation(client, app):
    with app.app_context():
        db.session.execute(delete(DiscretionRule).where(DiscretionRule.violation == Category.BEYOND_STANDARDS))
        db.session.add_all([
            DiscretionRule(violation=Category.BEYOND_STANDARDS, circumstance=Circumstance.ESPECIALLY_SERIOUS,
                           matter="对超标超前培训的处罚（测试甲）", legal_basis="教育部令第53号第十三条",
                           level=Level.COUNTY,
                           penalties="fine", fine_min=Decimal("50000"), fine_max=Decimal("100000")),
            DiscretionRule(violation=Category.BEYOND_STANDARDS, circumstance=Circumstance.MINOR,
                           matter="对超标超前培训的处罚（测试乙）", legal_basis="教育部令第53号第十三条",
                           level=Level.COUNTY,
                           penalties="warning,criticism", fine_min=None, fine_max=None)])
        db.session.commit()
    page = client.get("/enforcement-matters?lang=en").get_data(as_text=True)
    assert page.index("（测试乙）") < page.index("（测试甲）")  # least serious first
    assert "Teaching beyond the curriculum or ahead of schedule" in page
    assert "50,000.00" in page and "100,000.00" in page and "Public criticism" in page
    assert "County education bureau" in page and "No fine" in page
    groups = {g.violation: g for g in queries_matters(app)}
    assert [r.circumstance for r in groups[Category.BEYOND_STANDARDS].rules if "测试" in r.matter] == \
        [Circumstance.MINOR, Circumstance.ESPECIALLY_SERIOUS]


def queries_matters(app):
    with app.app_context():
        return catalogue.matters()


# Both languages


def test_public_pages_render_in_both_languages(client, app):
    [shown] = published_now(app, state=DisclosureState.WITHDRAWN, withdrawal_reason="决定变更",
                            withdrawn_at=dt.datetime.now(dt.timezone.utc))
    for url in ("/disclosures", f"/disclosures/{shown}", "/enforcement-matters", "/disclosures?q=zzzz"):
        for lang, tag in (("zh_CN", "zh-CN"), ("en", "en")):
            response = client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
            assert response.status_code == 200, url
            assert f'<html lang="{tag}">' in response.get_data(as_text=True)
            assert re.search(r"<title>[^<]+</title>", response.get_data(as_text=True)), url


def test_chinese_pages_have_no_leftover_english(client, app):
    """Fails until the lead fills the zh_CN catalogue for these strings."""
    [shown] = published_now(app, state=DisclosureState.WITHDRAWN, withdrawal_reason="决定变更",
                            withdrawn_at=dt.datetime.now(dt.timezone.utc))
    for url in ("/disclosures", f"/disclosures/{shown}", "/enforcement-matters"):
        chinese = visible_text(client.get(url, query_string={"lang": "zh_CN"}).get_data(as_text=True))
        assert english_phrases(chinese) == [], url
