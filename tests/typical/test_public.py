"""The public side of typical cases: only published articles listed, search and filters, one
article in the reader's language with a note where only Chinese exists, a withdrawn article's
notice, links to decisions and institutions, the feed."""
from __future__ import annotations

import datetime as dt
import itertools
import pathlib
import re
import xml.etree.ElementTree as ET

from sqlalchemy import delete, select

from portal import clock, richtext
from portal.accounts.models import User
from portal.config import PROJECT_ROOT
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.institutions.models import Institution
from portal.typical.models import ArticleState, TypicalCase, typical_case_disclosures, typical_case_institutions

ATOM = "{http://www.w3.org/2005/Atom}"
_numbers = itertools.count(1)


def make(app, **overrides) -> int:
    """A published article in Xihu, committed (for the client to see); returns its id."""
    with app.app_context():
        writer = db.session.scalar(select(User).where(User.username == "demo.handler"))
        reviewer = db.session.scalar(select(User).where(User.username == "demo.reviewer"))
        body = overrides.pop("body", "## 经过\n\n正文第一段。")
        values = dict(region_code="330106", title=f"公开测试案例{next(_numbers)}号", summary="测试摘要。",
                      body_source=body, body_html=richtext.render(body), case_date=dt.date(2026, 3, 1),
                      state=ArticleState.PUBLISHED, drafter_id=writer.id, reviewer_id=reviewer.id,
                      published_at=clock.now())
        values.update(overrides)
        case = TypicalCase(**values)
        db.session.add(case)
        db.session.commit()
        return case.id


def emptied(app) -> None:
    """No articles but the test's own (the test's transaction brings the demo ones back)."""
    with app.app_context():
        db.session.execute(delete(typical_case_disclosures))
        db.session.execute(delete(typical_case_institutions))
        db.session.execute(delete(TypicalCase))
        db.session.commit()


def titles(page: str) -> list[str]:
    return re.findall(r'<h3 class="card__title"><a href="/cases/\d+" lang="[^"]+">([^<]+)</a>', page)


def test_the_list_shows_only_published_articles_newest_first(app, client):
    emptied(app)
    make(app, title="已发布较早", case_date=dt.date(2026, 1, 5))
    make(app, title="已发布较新", case_date=dt.date(2026, 2, 5))
    for state in (ArticleState.DRAFT, ArticleState.IN_REVIEW, ArticleState.RETURNED, ArticleState.WITHDRAWN):
        make(app, title=f"不应出现{state.value}", state=state, published_at=None)
    response = client.get("/cases")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=300"
    assert titles(response.get_data(as_text=True)) == ["已发布较新", "已发布较早"]


def test_search_in_the_title_filter_by_area_and_year_and_pages(app, client):
    emptied(app)
    make(app, title="滨江无证舞蹈班被关闭", region_code="330108", case_date=dt.date(2025, 6, 1))
    make(app, title="西湖家政名义培训被查处", case_date=dt.date(2026, 2, 1))
    make(app, title="杭州全市预收费整治", region_code="330100", case_date=dt.date(2026, 3, 1))
    assert titles(client.get("/cases?q=家政").get_data(as_text=True)) == ["西湖家政名义培训被查处"]
    assert titles(client.get("/cases?q=%_").get_data(as_text=True)) == []  # wildcards are plain text
    assert titles(client.get("/cases?region=330108").get_data(as_text=True)) == ["滨江无证舞蹈班被关闭"]
    assert len(titles(client.get("/cases?region=杭州市").get_data(as_text=True))) == 3
    assert titles(client.get("/cases?year=2025").get_data(as_text=True)) == ["滨江无证舞蹈班被关闭"]
    page = client.get("/cases?year=1999").get_data(as_text=True)  # a year without cases is ignored
    assert len(titles(page)) == 3 and '<option value="2025">2025</option>' in page
    response = client.get("/cases?region=火星")
    assert response.status_code == 200 and "No place matches" in client.get("/cases?region=火星&lang=en").get_data(
        as_text=True)
    for number in range(25):
        make(app, title=f"分页案例{number:02d}", case_date=dt.date(2024, 1, 1) + dt.timedelta(days=number))
    first, second = client.get("/cases?q=分页").get_data(as_text=True), client.get("/cases?q=分页&page=2").get_data(
        as_text=True)
    assert len(titles(first)) == 20 and len(titles(second)) == 5 and titles(first)[0] == "分页案例24"
    assert 'href="/cases?q=%E5%88%86%E9%A1%B5&amp;page=2"' in first


def test_the_list_runs_a_fixed_number_of_queries(app, client, count_queries):
    emptied(app)
    for number in range(10):
        make(app, title=f"计数案例{number}", region_code=("330106", "330108")[number % 2])
    client.get("/cases")
    with count_queries() as one:
        assert len(titles(client.get("/cases?q=计数案例3").get_data(as_text=True))) == 1
    with count_queries() as ten:
        assert len(titles(client.get("/cases?q=计数案例").get_data(as_text=True))) == 10
    assert one.count == ten.count <= 5


def test_an_article_in_chinese_and_in_english_with_the_fallback_note(app, client):
    chinese_only = make(app, title="仅中文案例", body="正文**重点**。")
    both = make(app, title="双语案例", title_en="A bilingual case", summary_en="An English summary.",
                body_en_source="English **text**.", body_en_html=richtext.render("English **text**."))
    page = client.get(f"/cases/{chinese_only}?lang=zh_CN").get_data(as_text=True)
    assert '<h1 lang="zh-CN">仅中文案例</h1>' in page and "<strong>重点</strong>" in page
    assert "This case is available in Chinese only" not in page
    page = client.get(f"/cases/{chinese_only}?lang=en").get_data(as_text=True)
    assert "This case is available in Chinese only." in page
    assert '<h1 lang="zh-CN">仅中文案例</h1>' in page
    assert '<div class="article-body" lang="zh-CN"><p>正文<strong>重点</strong>。</p></div>' in page
    page = client.get(f"/cases/{both}?lang=en").get_data(as_text=True)
    assert '<h1 lang="en">A bilingual case</h1>' in page and "An English summary." in page
    assert '<div class="article-body" lang="en"><p>English <strong>text</strong>.</p></div>' in page
    assert "available in Chinese only" not in page and "双语案例" not in page.split("<main")[1]
    listing = client.get("/cases?lang=en").get_data(as_text=True)
    assert 'lang="en">A bilingual case</a>' in listing and 'lang="zh-CN">仅中文案例</a>' in listing
    assert client.get(f"/cases/{chinese_only}").headers["Cache-Control"] == "public, max-age=300"


def test_drafts_are_not_found_and_a_withdrawn_article_shows_its_reason_instead(app, client):
    draft = make(app, title="草稿不可见", state=ArticleState.IN_REVIEW, published_at=None)
    assert client.get(f"/cases/{draft}").status_code == 404
    assert client.get("/cases/0").status_code == 404 and client.get(f"/cases/{2**40}").status_code == 404
    withdrawn = make(app, title="已撤回案例", body="不应再显示的正文。", state=ArticleState.WITHDRAWN,
                     withdrawn_at=clock.now(), withdrawal_reason="所引处罚决定已被撤销。")
    page = client.get(f"/cases/{withdrawn}?lang=zh_CN").get_data(as_text=True)
    assert "已撤回案例" in page and "所引处罚决定已被撤销。" in page and "不应再显示的正文" not in page
    assert "This case has been withdrawn." in client.get(f"/cases/{withdrawn}?lang=en").get_data(as_text=True)


def test_links_to_decisions_in_their_period_and_to_institutions(app, client):
    with app.app_context():
        shown = db.session.scalar(select(Disclosure).where(Disclosure.decision_number == "杭西教罚〔2026〕1号"))
        ended = db.session.scalar(select(Disclosure).where(Disclosure.decision_number == "杭滨教罚〔2026〕2号"))
        ended.publication_end = ended.decision_date  # its period is over
        institution = db.session.get(Institution, shown.institution_id)
        case = TypicalCase(region_code="330106", title="关联测试", summary="摘要", body_source="正文",
                           body_html="<p>正文</p>", case_date=dt.date(2026, 3, 1), state=ArticleState.PUBLISHED,
                           drafter_id=shown.drafter_id, reviewer_id=shown.reviewer_id, published_at=clock.now(),
                           disclosures=[shown, ended], institutions=[institution])
        db.session.add(case)
        db.session.commit()
        case_id, shown_id, institution_id, name = case.id, shown.id, institution.id, institution.name
    page = client.get(f"/cases/{case_id}?lang=en").get_data(as_text=True)
    assert f'<a href="/disclosures/{shown_id}" lang="zh-CN">杭西教罚〔2026〕1号</a>' in page
    assert '<span lang="zh-CN">杭滨教罚〔2026〕2号</span> <span class="muted">(no longer published)</span>' in page
    assert f'<a href="/institutions/{institution_id}" lang="zh-CN">{name}</a>' in page


def test_the_feed_lists_published_and_withdrawn_articles(app, client):
    emptied(app)
    make(app, title="订阅案例", summary="订阅摘要。")
    make(app, title="订阅撤回", state=ArticleState.WITHDRAWN, withdrawn_at=clock.now(), withdrawal_reason="有误")
    make(app, title="订阅草稿", state=ArticleState.DRAFT, published_at=None)
    response = client.get("/cases.atom?lang=en")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    entries = {e.findtext(f"{ATOM}title"): e for e in feed.iter(f"{ATOM}entry")}
    assert set(entries) == {"订阅案例", "Withdrawn: 订阅撤回"}
    assert entries["订阅案例"].findtext(f"{ATOM}summary") == "订阅摘要。"
    assert entries["订阅案例"].find(f"{ATOM}link").get("href").startswith("http")


def test_markup_is_output_unescaped_in_one_place_only():
    """`|safe` appears once in the feature's templates: the macro that shows the sanitiser's output."""
    uses = {path.name: path.read_text(encoding="utf-8").count("|safe")
            for path in pathlib.Path(PROJECT_ROOT / "templates" / "typical").glob("*.html")}
    assert {name: count for name, count in uses.items() if count} == {"macros.html": 1}


def test_an_english_article_is_not_called_chinese_only_and_a_missing_part_is_named(app, client):
    no_summary = make(app, title="缺英文摘要", title_en="English title, text, no summary",
                      body_en_source="English body.", body_en_html=richtext.render("English body."))
    no_text = make(app, title="缺英文正文", title_en="English title and summary, no text",
                   summary_en="An English summary.")
    page = client.get(f"/cases/{no_summary}?lang=en").get_data(as_text=True)
    assert "This case is available in Chinese only." not in page
    assert "The summary is available in Chinese only." in page
    assert "The full text of this case is available in Chinese only." not in page
    assert '<div class="article-body" lang="en"><p>English body.</p></div>' in page
    page = client.get(f"/cases/{no_text}?lang=en").get_data(as_text=True)
    assert "This case is available in Chinese only." not in page
    assert "The summary is available in Chinese only." not in page
    assert "The full text of this case is available in Chinese only." in page
    page = client.get(f"/cases/{no_text}?lang=zh_CN").get_data(as_text=True)
    assert "Chinese only" not in page and "仅有中文" not in page
