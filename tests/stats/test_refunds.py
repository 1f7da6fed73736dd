"""Refund disputes on /stats: what each state of a dispute on the mediation track counts, the kept
cells equal to a rebuild after every step, the money returned withheld under five agreements kept
(and for the whole area while a county's own is withheld) and rounded to the hundred, and the
columns on the page and in the CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import cellkey
from portal.accounts.models import Role
from portal.casework.models import Category
from portal.extensions import db
from portal.mediation import service as mediation
from portal.mediation.models import EndReason, PaidHow
from portal.stats import aggregates, facts, queries, service
from portal.stats.models import StatsRecord
from tests.support.accounts import staff_user
from tests.support.complaints import file, named_identity

XIHU, SHANGCHENG = "330106", "330102"
NOW = dt.datetime(2025, 6, 30, 4, 0, tzinfo=dt.timezone.utc)  # the staff record the steps later
CONFIRMED = dt.datetime(2025, 4, 2, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 on 2 April, Beijing time
MONTHS = queries.months_ending("2025-04", 3)


@pytest.fixture
def mediators(ctx):
    return {county: staff_user(f"refunds.{county}", Role.HANDLER, county) for county in (XIHU, SHANGCHENG)}


def dispute(county: str = XIHU, received: dt.date = dt.date(2025, 3, 3)):
    return file(received, region_code=county, category=Category.FEES_REFUNDS, identity=named_identity(),
                mediation=True).complaint


def agreed(mediators, county: str = XIHU, received: dt.date = dt.date(2025, 3, 3), amount: str = "1000"):
    complaint = dispute(county, received)
    record = mediation.decide(complaint, mediators[county], True, dt.date(2025, 3, 10), now=NOW)
    mediation.agree(record, complaint, mediators[county], dt.date(2025, 3, 20), Decimal(amount),
                    dt.date(2025, 3, 31), PaidHow.BANK_TRANSFER, "", now=NOW)
    return complaint, record


def kept(mediators, county: str = XIHU, received: dt.date = dt.date(2025, 3, 3), amount: str = "1000"):
    complaint, record = agreed(mediators, county, received, amount)
    mediation.confirm_payment(record, complaint, True, now=CONFIRMED)
    return record


def counted(record) -> set[facts.Fact]:
    db.session.flush()
    return facts.mediations(ids=[record.id])[record.id].facts


def test_each_state_counts_its_facts(mediators):
    handler = mediators[XIHU]
    complaint = dispute()
    assert ("disputes", "2025-03", "") in facts.complaints(ids=[complaint.id])[complaint.id].facts
    plain = file(dt.date(2025, 3, 3)).complaint  # did not ask for mediation
    assert "disputes" not in {figure for figure, _month, _bucket in facts.complaints(ids=[plain.id])[plain.id].facts}
    record = mediation.record_for(complaint, handler)
    assert counted(record) == set()  # pending
    declined = dispute()
    declined = mediation.decide(declined, handler, False, dt.date(2025, 3, 5), "不属于调解范围。", now=NOW)
    assert counted(declined) == set()
    mediation.decide(complaint, handler, True, dt.date(2025, 3, 10), now=NOW)
    taken = {("mediations_taken", "2025-03", "")}
    assert counted(record) == taken
    mediation.agree(record, complaint, handler, dt.date(2025, 4, 1), Decimal("1234.50"), dt.date(2025, 4, 30),
                    PaidHow.CASH, "", now=NOW)
    assert counted(record) == taken | {("agreements", "2025-04", "")}
    mediation.confirm_payment(record, complaint, False, now=CONFIRMED)  # not paid: reopened, no agreement now
    assert counted(record) == taken
    mediation.agree(record, complaint, handler, dt.date(2025, 5, 6), Decimal("1234.50"), dt.date(2025, 5, 30),
                    PaidHow.CASH, "", now=NOW)
    mediation.confirm_payment(record, complaint, True, now=dt.datetime(2025, 5, 31, 17, 0, tzinfo=dt.timezone.utc))
    # 01:00 on 1 June in Beijing: June; 90 days from 3 March; 1234.50 yuan to the nearest yuan.
    assert counted(record) == taken | {("agreements", "2025-05", ""), ("refunds_kept", "2025-06", ""),
                                       ("refund_yuan", "2025-06", "1235"), ("settle_days", "2025-06", "90")}
    failing = dispute(SHANGCHENG)
    other = mediation.decide(failing, mediators[SHANGCHENG], True, dt.date(2025, 3, 4), now=NOW)
    mediation.end(other, failing, mediators[SHANGCHENG], dt.date(2025, 4, 8), EndReason.NO_AGREEMENT,
                  "双方未能达成一致。", now=NOW)
    assert counted(other) == {("mediations_taken", "2025-03", ""), ("mediations_failed", "2025-04", "")}
    assert facts.mediations(ids=[other.id])[other.id].county == SHANGCHENG


def test_kept_cells_equal_a_rebuild_after_every_step(mediators):
    handler = mediators[XIHU]
    complaint = dispute()
    db.session.commit()
    record = mediation.decide(complaint, handler, True, dt.date(2025, 3, 10), now=NOW)
    steps = [lambda: None,
             lambda: mediation.agree(record, complaint, handler, dt.date(2025, 3, 20), Decimal("500"),
                                     dt.date(2025, 3, 31), PaidHow.CASH, "", now=NOW),
             lambda: mediation.confirm_payment(record, complaint, False, now=CONFIRMED),
             lambda: mediation.agree(record, complaint, handler, dt.date(2025, 4, 3), Decimal("450"),
                                     dt.date(2025, 4, 30), PaidHow.CASH, "", now=NOW),
             lambda: mediation.confirm_payment(record, complaint, True, now=NOW)]
    for take in steps:
        take()
        db.session.commit()
        assert aggregates.differences() == []
    month = queries.county(XIHU, ["2025-06"]).get(XIHU, "2025-06")
    assert month.counts["refunds_kept"] == 1 and month.refund_yuan == {450: 1}
    complaint.region_code = SHANGCHENG  # the dispute follows its complaint's county
    db.session.commit()
    assert aggregates.differences() == []
    assert queries.county(SHANGCHENG, ["2025-06"]).get(SHANGCHENG, "2025-06").refund_yuan == {450: 1}
    failing = dispute(SHANGCHENG)
    other = mediation.decide(failing, mediators[SHANGCHENG], True, dt.date(2025, 3, 4), now=NOW)
    db.session.commit()
    mediation.end(other, failing, mediators[SHANGCHENG], dt.date(2025, 4, 8), EndReason.PARENT_REFUSED,
                  "家长撤回。", now=NOW)
    db.session.commit()
    assert aggregates.differences() == []
    assert queries.county(SHANGCHENG, ["2025-04"]).get(SHANGCHENG, "2025-04").counts["mediations_failed"] == 1


def report(county: str = queries.ALL) -> dict[str, service.Cell]:
    return service._report(county, "2025-04", "en").selected


def test_money_returned_is_withheld_under_five_kept_and_rounded_from_five(mediators):
    amounts = ("1234.50", "2000", "3000", "1000", "1010")  # 1235 + 7010 = 8245 yuan
    for day, amount in zip(range(3, 7), amounts, strict=False):
        kept(mediators, XIHU, dt.date(2025, 3, day), amount)
    db.session.commit()
    assert report(XIHU)["refund_yuan"].text == "—" and report(XIHU)["median_settle_days"].text == "—"
    kept(mediators, XIHU, dt.date(2025, 3, 7), amounts[-1])
    db.session.commit()
    xihu = report(XIHU)
    assert (xihu["refund_yuan"].text, xihu["refund_yuan"].value) == ("8200", 8200)
    assert xihu["median_settle_days"].text == "28"  # 30, 29, 28, 27 and 26 days
    keys = cellkey.RecordKeys()
    ids = db.session.scalars(select(StatsRecord.record_id).where(
        StatsRecord.kind == "mediation", StatsRecord.county == XIHU,
        StatsRecord.facts.contains("refunds_kept 2025-04"))).all()  # not the demo's disputes
    assert xihu["refunds_kept"].value == cellkey.perturb(5, keys.cell("mediation", ids))
    assert report()["refund_yuan"].text == "8200"  # the whole area: only Xihu has any
    kept(mediators, SHANGCHENG, amount="900")  # one in Shangcheng: its sum, and so the area's, withheld
    db.session.commit()
    assert report(SHANGCHENG)["refund_yuan"].text == "—" and report()["refund_yuan"].text == "—"
    assert report(XIHU)["refund_yuan"].text == "8200"
    for _ in range(4):
        kept(mediators, SHANGCHENG, amount="900")
    db.session.commit()
    assert report(SHANGCHENG)["refund_yuan"].text == "4500"
    assert report()["refund_yuan"].text == "12700"  # 8245 + 4500, to the nearest hundred
    assert report()["median_settle_days"].text == "30"  # five of 30 days in Shangcheng, 26 to 30 in Xihu


def test_the_page_and_the_csv_show_the_refund_columns(client, mediators):
    for day in range(3, 8):
        kept(mediators, XIHU, dt.date(2025, 3, day), "1000")
    db.session.commit()
    shown = report(XIHU)
    page = client.get("/stats?month=2025-04&lang=en").get_data(as_text=True)
    section = page.split('id="refunds-heading"')[1].split("</section>")[0]
    for _name, label in service.REFUND_COLUMNS:
        assert f"<th scope=\"col\">{label}</th>" in section
        assert f">{label}</th>" not in page.split('id="monthly-heading"')[1].split('id="refunds-heading"')[0]
    assert "Xihu District</a></th>" in section
    county_page = client.get(f"/stats?county={XIHU}&month=2025-04&lang=en").get_data(as_text=True)
    row = county_page.split('id="refunds-heading"')[1].split('<tr class="is-selected"><th scope="row">2025-04</th>')[1]
    assert row.split("</tr>")[0] == "".join(f"<td>{shown[name].text}</td>" for name, _label in service.REFUND_COLUMNS)
    assert "<td>5000</td>" in row
    text = client.get("/stats.csv", query_string={"table": "monthly", "county": XIHU, "month": "2025-04",
                                                  "lang": "en"}).get_data(as_text=True)
    header, *rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    assert header[1:] == [str(label) for _name, label in service.COLUMNS]
    april = dict(zip(header, next(r for r in rows if r[0] == "2025-04"), strict=True))
    assert april["Money returned (yuan)"] == "5000" and april["Median days to settle"] == "28"
    assert april["Agreements kept (money returned)"] == shown["refunds_kept"].text
    counties = client.get("/stats.csv?table=counties&month=2025-04&lang=en").get_data(as_text=True)
    assert "Money returned (yuan)" in counties.splitlines()[0]


def test_the_chinese_page_names_the_refund_figures(client, mediators):
    from tests.support.pages import english_phrases, visible_text

    kept(mediators)
    db.session.commit()
    page = client.get("/stats?month=2025-04&lang=zh_CN").get_data(as_text=True)
    section = page.split('id="refunds-heading"')[1].split("</section>")[0]
    assert "退费争议" in section and "退还金额（元）" in section and "退款到账用时中位数（天）" in section
    assert english_phrases(visible_text(page)) == []
