"""Public statistics against a hand-counted fixture in March 2022 (no demo case is that old).

Xihu (330106): six complaints, four unlicensed and two prepayment, one of the unlicensed
received on 18 February (so five in March); four accepted in March and one whose acceptance at 01:00 on
1 April Beijing time (17:00 UTC on 31 March) belongs to April; three concluded in March after
10, 20 and 40 days, two by their deadline; ratings satisfied, basically satisfied and
unsatisfied; one review requested.
Shangcheng (330102): two received (unlicensed, advertising), one not accepted, one transferred.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from portal import cellkey
from portal.accounts.models import Role
from portal.casework.models import Category, ComplaintEvent, EventKind, Rating
from portal.extensions import db
from portal.followups.models import FollowUp
from portal.stats import queries, service
from tests.support.accounts import staff_user
from tests.support.complaints import file

XIHU, SHANGCHENG = "330106", "330102"
UTC = dt.timezone.utc


def at(text: str) -> dt.datetime:
    """A moment given in Beijing time, as the aware UTC datetime the database stores."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone(dt.timedelta(hours=8))).astimezone(UTC)


def event(complaint, kind: EventKind, moment: dt.datetime) -> None:
    db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=kind, body="", created_at=moment))


@pytest.fixture
def march(ctx):
    received = ((dt.date(2022, 3, 1), Category.UNLICENSED), (dt.date(2022, 3, 2), Category.UNLICENSED),
                (dt.date(2022, 2, 18), Category.UNLICENSED), (dt.date(2022, 3, 4), Category.UNLICENSED),
                (dt.date(2022, 3, 5), Category.PREPAYMENT_OUTSIDE_ESCROW),
                (dt.date(2022, 3, 6), Category.PREPAYMENT_OUTSIDE_ESCROW))
    xihu = [file(day, region_code=XIHU, category=category).complaint for day, category in received]
    shangcheng = [file(dt.date(2022, 3, 10), region_code=SHANGCHENG, category=Category.UNLICENSED).complaint,
                  file(dt.date(2022, 3, 11), region_code=SHANGCHENG, category=Category.ADVERTISING).complaint]
    for complaint in xihu[:4]:
        event(complaint, EventKind.ACCEPTED, at("2022-03-15T10:00:00"))
    event(xihu[4], EventKind.ACCEPTED, at("2022-04-01T01:00:00"))  # 17:00 UTC on 31 March: April locally
    concluded = ((xihu[0], "2022-03-11T09:00:00", dt.date(2022, 4, 30)),  # 10 days, on time
                 (xihu[1], "2022-03-22T09:00:00", dt.date(2022, 3, 22)),  # 20 days, on its last day
                 (xihu[2], "2022-03-30T23:30:00", dt.date(2022, 3, 20)))  # 40 days, late; 15:30 UTC
    for complaint, moment, due in concluded:
        complaint.conclusion_due = due
        event(complaint, EventKind.CONCLUDED, at(moment))
    for complaint, rating in zip(xihu[:3], (Rating.SATISFIED, Rating.BASICALLY_SATISFIED, Rating.UNSATISFIED)):
        complaint.rating = rating
        event(complaint, EventKind.RATED, at("2022-03-31T12:00:00"))
    event(xihu[2], EventKind.REVIEW_REQUESTED, at("2022-03-31T13:00:00"))
    event(shangcheng[0], EventKind.NOT_ACCEPTED, at("2022-03-20T10:00:00"))
    event(shangcheng[1], EventKind.TRANSFERRED, at("2022-03-21T10:00:00"))
    db.session.commit()  # the statistics count what is committed
    return xihu, shangcheng


def test_follow_up_calls_are_counted_apart_from_the_ratings_given_online(march):
    xihu, _shangcheng = march
    caller = staff_user("st.caller", Role.HANDLER, XIHU)
    calls = [(True, Rating.SATISFIED), (True, Rating.SATISFIED), (True, Rating.BASICALLY_SATISFIED),
             (True, Rating.SATISFIED), (True, Rating.UNSATISFIED), (False, None)]
    for complaint, (reached, rating) in zip(xihu, calls, strict=True):
        db.session.add(FollowUp(complaint_id=complaint.id, region_code=XIHU, reached=reached, rating=rating,
                                recorded_by_id=caller.id, created_at=at("2022-03-25T10:00:00")))
    db.session.commit()  # the statistics count what is committed
    whole = queries.compute(queries.months_ending("2022-04", 3)).get(queries.ALL, "2022-03")
    assert (whole.followed, whole.followed_satisfied) == (5, 4)
    assert whole.satisfaction_share == pytest.approx(2 / 3)  # the online ratings as before
    names = [name for name, _label in service.COLUMNS]
    assert "follow_up_satisfaction" in names and "satisfaction" in names


def test_figures_match_the_hand_count(march):
    table = queries.compute(queries.months_ending("2022-04", 3))
    whole = table.get(queries.ALL, "2022-03")
    # The late case was received in February, so March received 5 + 2.
    assert whole.counts["received"] == 7
    assert table.get(queries.ALL, "2022-02").counts["received"] == 1
    assert whole.counts["accepted"] == 4
    assert table.get(queries.ALL, "2022-04").counts["accepted"] == 1
    assert whole.counts["not_accepted"] == 1
    assert whole.counts["transferred"] == 1
    assert whole.counts["concluded"] == 3
    assert (whole.on_time, whole.with_deadline) == (2, 3)
    assert whole.days_histogram == {10: 1, 20: 1, 40: 1}
    assert whole.median_days == 20
    assert whole.ratings == {Rating.SATISFIED: 1, Rating.BASICALLY_SATISFIED: 1, Rating.UNSATISFIED: 1}
    assert whole.satisfaction_share == pytest.approx(2 / 3)
    assert whole.counts["reviews_requested"] == 1
    assert whole.categories == {Category.UNLICENSED: 4, Category.PREPAYMENT_OUTSIDE_ESCROW: 2, Category.ADVERTISING: 1}
    xihu = table.get(XIHU, "2022-03")
    assert xihu.counts["received"] == 5 and xihu.counts["concluded"] == 3
    shangcheng = table.get(SHANGCHENG, "2022-03")
    assert shangcheng.counts["received"] == 2 and shangcheng.counts["concluded"] == 0
    assert set(table.counties) == {XIHU, SHANGCHENG}


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    figures = queries.Figures(days_histogram={3: 1, 7: 2, 30: 1})
    assert figures.median_days == 7
    assert queries.Figures(days_histogram={4: 1, 9: 1}).median_days == 6.5
    assert queries.Figures().median_days is None


def test_months_and_their_parsing():
    assert queries.months_ending("2022-02", 3) == ["2021-12", "2022-01", "2022-02"]
    assert queries.parse_month("2022-13") is None
    assert queries.parse_month("2022-03") == "2022-03"
    assert queries.parse_month("'; drop") is None


def test_county_counts_carry_their_records_keys(march):
    """The key of a county's cell is its records' keys added up: the same cases, the same key."""
    xihu, _shangcheng = march
    keys = cellkey.RecordKeys()
    table = queries.compute(queries.months_ending("2022-04", 3))
    figures = table.get(XIHU, "2022-03")
    assert figures.keys["concluded"] == keys.cell("complaint", [c.id for c in reversed(xihu[:3])])
    assert figures.keys["on_time"] == keys.cell("complaint", [xihu[0].id, xihu[1].id])
    assert figures.keys["satisfied"] == keys.cell("complaint", [xihu[0].id, xihu[1].id])
    assert figures.category_keys[Category.UNLICENSED] == keys.cell("complaint", [c.id for c in xihu[:2] + xihu[3:4]])
    assert figures.satisfied == 2 and figures.rated == 3
    assert table.get(queries.ALL, "2022-03").keys == {}  # the whole area is published as a sum


def test_county_counts_are_perturbed_within_the_bound_and_totals_are_their_sums(ctx):
    month = "2022-03"
    small, large = queries.Figures(), queries.Figures()
    small.counts.update(received=2, accepted=1, supervisors_active=1)
    large.counts.update(received=9, accepted=9, supervisors_active=3)
    small.categories, large.categories = {Category.UNLICENSED: 2}, {Category.UNLICENSED: 7, Category.OTHER: 2}
    small.category_keys = {Category.UNLICENSED: 2**63}
    large.category_keys = {Category.UNLICENSED: 2**62, Category.OTHER: 3 * 2**62}
    small.keys, large.keys = {"accepted": 2**64 - 1}, {"accepted": 0}
    table = queries.Table([month], {(SHANGCHENG, month): small, (XIHU, month): large}, [SHANGCHENG, XIHU])
    shown = service.publish(table)
    county, other = shown[(SHANGCHENG, month)], shown[(XIHU, month)]
    assert county.categories[Category.UNLICENSED] == cellkey.perturb(2, 2**63)
    assert county.counts["received"] == sum(county.categories.values())
    assert county.counts["accepted"] == 1 + cellkey.noise(1, 2**64 - 1) == 5  # the top of the table: +4
    assert other.counts["accepted"] == 9 - 4  # the bottom of the table: -4
    assert county.counts["supervisors_active"] == 1  # supervisors are named in public anyway
    whole = shown[(queries.ALL, month)]
    for name in queries.COUNT_FIGURES:
        assert whole.counts[name] == county.counts[name] + other.counts[name]
    cells = service.figure_cells(small, county)
    assert cells["accepted"].text == "5" and cells["on_time"].text == "—"


def published_row(county: str, month: str) -> service.Published:
    """The county's month as the method publishes it."""
    return service.published_county(queries.compute(queries.months_ending(month, 1)).get(county, month))


def test_whole_area_page_shows_sums_of_the_county_counts_and_no_share_on_few_cases(client, march):
    xihu, shangcheng = published_row(XIHU, "2022-03"), published_row(SHANGCHENG, "2022-03")
    page = client.get("/stats?month=2022-03&lang=en").get_data(as_text=True)
    assert "<title>Statistics: The whole area, 2022-03 · " in page
    assert "<svg" in page and "<title id=\"chart-flow-title\">" in page
    assert "How these figures protect privacy" in page
    march_row = page.split('<tr class="is-selected"><th scope="row">2022-03</th>')[1].split("</tr>")[0]
    whole = {name: xihu.counts[name] + shangcheng.counts[name] for name in queries.COUNT_FIGURES}
    # Three concluded cases, three ratings and no follow-up call in the whole area: no share, no median.
    assert march_row.startswith(
        "".join(f"<td>{whole[name]}</td>" for name in ("received", "accepted", "not_accepted", "transferred",
                                                       "concluded"))
        + f"<td>—</td><td>—</td><td>—</td><td>—</td><td>{whole['reviews_requested']}</td>")
    for name, true in (("received", 7), ("accepted", 4), ("not_accepted", 1), ("transferred", 1), ("concluded", 3)):
        assert abs(whole[name] - true) <= 2 * service.NOISE_BOUND and whole[name] >= 0
    counties = page.split('id="counties-heading"')[1]
    row = counties.split("Shangcheng District</a></th>")[1].split("</tr>")[0]
    assert row.startswith(f"<td>{shangcheng.counts['received']}</td>")


def test_county_page_shows_its_own_published_counts(client, march):
    xihu = published_row(XIHU, "2022-03")
    page = client.get(f"/stats?county={XIHU}&month=2022-03&lang=en").get_data(as_text=True)
    assert "Xihu District" in page.split("<title>")[1].split("</title>")[0]
    march_row = page.split('<tr class="is-selected"><th scope="row">2022-03</th>')[1].split("</tr>")[0]
    assert march_row.startswith(
        "".join(f"<td>{xihu.counts[name]}</td>" for name in ("received", "accepted", "not_accepted", "transferred",
                                                            "concluded"))
        + f"<td>—</td><td>—</td><td>—</td><td>—</td><td>{xihu.counts['reviews_requested']}</td>")
    assert 'id="counties-heading"' not in page


def test_a_figure_is_the_same_number_wherever_it_is_published(client, march):
    def rows(**params) -> list[list[str]]:
        text = client.get("/stats.csv", query_string={**params, "lang": "en"}).get_data(as_text=True)
        return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]

    counties = {row[0]: row[2:] for row in rows(table="counties", month="2022-03")}
    for county in (XIHU, SHANGCHENG):
        for month in ("2022-03", "2022-04", "2023-02"):  # windows ending in March, and after it
            monthly = {row[0]: row[1:] for row in rows(table="monthly", county=county, month=month)}
            assert monthly["2022-03"] == counties[county]
        categories = rows(table="categories", county=county, month="2022-03")
        assert sum(int(row[1]) for row in categories) == int(counties[county][0])
    whole = {row[0]: row[1:] for row in rows(table="monthly", month="2022-03")}["2022-03"]
    for index, (name, _label) in enumerate(service.COLUMNS):
        if name in queries.COUNT_FIGURES:
            assert int(whole[index]) == sum(int(cells[index]) for cells in counties.values()), name


def test_unknown_choices_are_reported_beside_the_field(client, march):
    page = client.get("/stats?county=999999&month=1999-01&lang=en").get_data(as_text=True)
    assert "Choose a county from the list." in page
    assert "Choose a month from the list." in page
    assert 'aria-invalid="true"' in page


def test_csv_tables_match_the_page(client, march):
    response = client.get(f"/stats.csv?table=monthly&county={XIHU}&month=2022-03&lang=en")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Month", "Complaints received", "Accepted"]
    march_row = next(row for row in rows if row[0] == "2022-03")
    xihu = published_row(XIHU, "2022-03")
    assert march_row[1:6] == [str(xihu.counts[name]) for name in ("received", "accepted", "not_accepted",
                                                                  "transferred", "concluded")]
    categories = client.get("/stats.csv?table=categories&month=2022-03&lang=en").get_data(as_text=True)
    march, february = (service.publish(queries.compute(queries.months_ending(month, 1)))[(XIHU, month)]
                       for month in ("2022-03", "2022-02"))
    unlicensed = Category.UNLICENSED
    in_march, in_year = march.categories[unlicensed], march.categories[unlicensed] + february.categories[unlicensed]
    # Xihu's four in March (Shangcheng's one is its own cell), and the February one in the twelve months.
    shangcheng = published_row(SHANGCHENG, "2022-03").categories[unlicensed]
    assert f"Operating without a licence,{in_march + shangcheng},{in_year + shangcheng}\r\n" in categories
    counties = client.get("/stats.csv?table=counties&month=2022-03").get_data(as_text=True)
    assert XIHU in counties and SHANGCHENG in counties
    assert client.get(f"/stats.csv?table=counties&county={XIHU}&month=2022-03").status_code == 404
    assert client.get("/stats.csv?table=secret").status_code == 404
    assert client.get("/stats.csv?county=999999").status_code == 400


def test_chinese_page_has_no_untranslated_text(client, march):
    from tests.support.pages import english_phrases, visible_text

    page = client.get("/stats?month=2022-03&lang=zh_CN").get_data(as_text=True)
    assert english_phrases(visible_text(page)) == []


def test_supervisors_in_term_and_their_submissions(ctx):
    from portal.accounts import service as accounts
    from portal.accounts.models import Role
    from tests.support.supervisors import appoint, patrol

    def supervisor(username: str, region: str):
        user, _password = accounts.create_user(username, username, Role.SUPERVISOR, region)
        db.session.flush()
        return appoint(user, dt.date(2021, 6, 1), dt.date(2024, 5, 31))

    xihu = supervisor("stats.sup.xihu", XIHU)
    shangcheng = supervisor("stats.sup.shangcheng", SHANGCHENG)
    shangcheng.dismissed_on = dt.date(2022, 3, 15)  # dismissed mid-March: in term in February only
    for moment in ("2022-03-02T10:00:00", "2022-03-31T23:30:00", "2022-04-01T00:30:00"):
        observation = patrol(xihu, with_photo=False)
        observation.submitted_at = at(moment)
    db.session.commit()  # the statistics count what is committed
    table = queries.compute(queries.months_ending("2022-04", 3))
    assert table.get(XIHU, "2022-02").counts["supervisors_active"] == 1
    assert table.get(SHANGCHENG, "2022-02").counts["supervisors_active"] == 1
    assert table.get(SHANGCHENG, "2022-03").counts["supervisors_active"] == 0
    assert table.get(queries.ALL, "2022-03").counts["supervisors_active"] == 1
    assert table.get(XIHU, "2022-03").counts["supervisor_submissions"] == 2  # 23:30 local is still March
    assert table.get(XIHU, "2022-04").counts["supervisor_submissions"] == 1
