"""The attack from the issue, kept as a test: a linear programme over every published figure.

A fixture of three counties over three months of 2022 (no demo case is that old), with small
counts everywhere and Shangcheng's single complaint of January in one category, is published
through every public output that carries these figures: the three CSV tables of /stats for the
whole area and for each county, for every month the data touches and for months whose
twelve-month windows cut it differently, and the institution pages' counts of concluded
complaints (the JSON API publishes no statistics). The test reads the numbers back as an outsider
would and hands a linear programme everything the published method lets one know about them:

- every true cell is at least zero;
- a number published for a total of k underlying cells (a county's figure in a month, or a
  category, is one cell; the whole area is the sum of its counties, a twelve-month total the sum
  of its months, "received" the sum of its categories) lies within k times the published noise
  bound of the true total; an underlying cell published as 0 is at most the noise bound, and one
  published as more than 0 is at least 1 (a zero stays zero);
- "<5" means 1 to 4 (plus the noise); "—" says nothing;
- an institution's concluded complaints are at most its county's concluded cases over the
  published months (each was concluded in one of them).

For every underlying cell of the months with data (a county's count of one figure or one
category in one month) and every institution's count, it then minimises and maximises the true
value over everything feasible. The range must be at least WIDTH wide: at least SMALL_COUNT
possible values, so nobody can tell a single complaint from five, or none from four.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from portal import cellkey
from portal.casework.models import Category, ComplaintEvent, EventKind, Rating, Status
from portal.extensions import db
from portal.stats import queries, service
from portal.stats.queries import ALL
from tests.support import institutions as factories
from tests.support.complaints import file
from tests.support.pages import visible_text

XIHU, SHANGCHENG, GONGSHU = "330106", "330102", "330105"
COUNTIES = (XIHU, SHANGCHENG, GONGSHU)
DATA_MONTHS = ("2022-01", "2022-02", "2022-03")
# Months asked for: each with data, and months whose twelve-month windows drop January, February, March.
REQUESTED = DATA_MONTHS + ("2022-12", "2023-01", "2023-02")
COUNTED = sorted(queries.REPORTER_FIGURES)  # the figures about reporters' cases
WIDTH = service.SMALL_COUNT - 1  # max - min: at least five possible values
NOISE = cellkey.NOISE_BOUND
UTC = dt.timezone.utc


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(
        tzinfo=dt.timezone(dt.timedelta(hours=8))).astimezone(UTC)


@dataclass
class Case:
    county: str
    received: str
    category: Category
    accepted: str | None = None
    not_accepted: str | None = None
    transferred: str | None = None
    concluded: str | None = None
    due: str | None = None
    rating: Rating | None = None
    review: str | None = None
    institution: str | None = None


U, P, F, A, B, T = (Category.UNLICENSED, Category.PREPAYMENT_OUTSIDE_ESCROW, Category.FEES_REFUNDS,
                    Category.ADVERTISING, Category.BEYOND_STANDARDS, Category.FORBIDDEN_TIMES)
CASES = [
    # January
    *[Case(XIHU, f"2022-01-0{d}", U, accepted="2022-01-10") for d in (3, 4, 5)],
    Case(XIHU, "2022-01-03", U, accepted="2022-01-10", concluded="2022-01-25", due="2022-02-28",
         rating=Rating.SATISFIED, institution="xihu"),
    Case(XIHU, "2022-01-04", U, accepted="2022-01-10", concluded="2022-01-26", due="2022-02-28",
         rating=Rating.BASICALLY_SATISFIED, institution="xihu"),
    Case(XIHU, "2022-01-05", U, accepted="2022-01-10", concluded="2022-01-27", due="2022-01-20",
         rating=Rating.UNSATISFIED, review="2022-02-03", institution="xihu"),
    Case(XIHU, "2022-01-06", P, accepted="2022-01-12"),
    Case(XIHU, "2022-01-07", P, accepted="2022-01-12"),
    Case(XIHU, "2022-01-08", F, not_accepted="2022-01-14"),
    # Shangcheng's single complaint: one in January, one category, concluded and rated in February.
    Case(SHANGCHENG, "2022-01-11", T, accepted="2022-01-13", concluded="2022-02-21", due="2022-03-14",
         rating=Rating.UNSATISFIED, institution="shangcheng"),
    Case(GONGSHU, "2022-01-12", F, accepted="2022-01-19", concluded="2022-02-10", due="2022-03-15",
         institution="gongshu"),
    Case(GONGSHU, "2022-01-13", F, accepted="2022-01-19", concluded="2022-02-25", due="2022-02-20",
         institution="gongshu"),
    Case(GONGSHU, "2022-01-14", F, transferred="2022-01-17"),
    # February
    *[Case(XIHU, f"2022-02-0{d}", U, accepted="2022-02-15") for d in (1, 2, 3, 4)],
    Case(XIHU, "2022-02-05", U),
    Case(XIHU, "2022-02-06", A, accepted="2022-02-15", concluded="2022-03-02", due="2022-04-10",
         rating=Rating.SATISFIED),
    Case(SHANGCHENG, "2022-02-07", P, accepted="2022-02-16"),
    Case(SHANGCHENG, "2022-02-08", P, not_accepted="2022-02-16"),
    Case(GONGSHU, "2022-02-09", B, accepted="2022-02-17"),
    # March
    *[Case(XIHU, f"2022-03-0{d}", U, accepted="2022-03-14") for d in (1, 2, 3, 4)],
    Case(XIHU, "2022-03-05", F, accepted="2022-03-14"),
    Case(XIHU, "2022-03-06", F, transferred="2022-03-08"),
    Case(GONGSHU, "2022-03-07", U, accepted="2022-03-15"),
    Case(GONGSHU, "2022-03-08", U, accepted="2022-03-15", concluded="2022-03-30", due="2022-05-01",
         rating=Rating.BASICALLY_SATISFIED, institution="gongshu"),
]


@pytest.fixture
def published_world(ctx):
    """The fixture's cases in the database; the institutions' ids and their true concluded counts."""
    places = {name: factories.institution(name=f"统计审计{name}培训学校", region_code=county)
              for name, county in (("xihu", XIHU), ("shangcheng", SHANGCHENG), ("gongshu", GONGSHU))}
    for spec in CASES:
        received = dt.date.fromisoformat(spec.received)
        complaint = file(received, region_code=spec.county, category=spec.category).complaint
        for kind, day in ((EventKind.ACCEPTED, spec.accepted), (EventKind.NOT_ACCEPTED, spec.not_accepted),
                          (EventKind.TRANSFERRED, spec.transferred), (EventKind.CONCLUDED, spec.concluded),
                          (EventKind.REVIEW_REQUESTED, spec.review)):
            if day:
                db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=kind, body="", created_at=at(day)))
        if spec.due:
            complaint.conclusion_due = dt.date.fromisoformat(spec.due)
        if spec.concluded:
            complaint.status = Status.CONCLUDED
        if spec.rating:
            complaint.rating = spec.rating
            db.session.add(ComplaintEvent(complaint_id=complaint.id, kind=EventKind.RATED, body="",
                                          created_at=at(spec.concluded, 18)))
        if spec.institution:
            complaint.institution_id = places[spec.institution].id
    db.session.commit()
    truth = queries.compute(sorted({m for month in REQUESTED for m in queries.months_ending(month)}))
    institutions = {row.id: (row.region_code, sum(1 for spec in CASES if spec.institution == name and spec.concluded))
                    for name, row in places.items()}
    return truth, institutions


def csv_rows(client, **params) -> list[list[str]]:
    response = client.get("/stats.csv", query_string={**params, "lang": "en"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))[1:]


class Attacker:
    """What an outsider can write down from the published numbers: linear bounds on true cells."""

    def __init__(self) -> None:
        self.index: dict[tuple, int] = {}
        self.rows: list[tuple[list[int], float, float]] = []
        self.relations: list[tuple[list[int], list[int]]] = []  # sum(first) <= sum(second)

    def var(self, key: tuple) -> int:
        return self.index.setdefault(key, len(self.index))

    def cells(self, scope: str, months: list[str], name) -> list[int]:
        counties = COUNTIES if scope == ALL else (scope,)
        names = list(Category) if name == "received" else [name]
        return [self.var((county, month, each)) for county in counties for month in months for each in names]

    def published(self, cells: list[int], text: str) -> None:
        """A published number over these underlying cells, read as the method says."""
        text = text.strip()
        if text in ("", "—"):
            return
        k = len(cells)
        if text.startswith("<"):
            low, high = 1, int(text[1:]) - 1
        else:
            low = high = int(text)
        lower, upper = max(0, low - NOISE * k), high + NOISE * k
        if k == 1 and low >= 1:
            lower = max(lower, 1)  # a zero stays zero: something published is something there
        if k == 1 and high == 0:
            upper = NOISE
        self.rows.append((cells, lower, upper))

    def ranges(self, targets: list[int]) -> dict[int, tuple[float, float]]:
        """The least and the greatest value each target can take within every bound at once."""
        tightest: dict[tuple[int, ...], tuple[float, float]] = {}
        for cells, lower, upper in self.rows:  # the same total is published in many tables
            key = tuple(sorted(cells))
            known = tightest.get(key, (0, float("inf")))
            tightest[key] = (max(known[0], lower), min(known[1], upper))
        data, rows, cols, bounds = [], [], [], []
        for cells, (lower, upper) in tightest.items():
            for sign, bound in ((1, upper), (-1, -lower)):
                for cell in cells:
                    data.append(sign)
                    rows.append(len(bounds))
                    cols.append(cell)
                bounds.append(bound)
        for smaller, larger in self.relations:
            for cell in smaller:
                data.append(1), rows.append(len(bounds)), cols.append(cell)
            for cell in larger:
                data.append(-1), rows.append(len(bounds)), cols.append(cell)
            bounds.append(0)
        matrix = coo_matrix((data, (rows, cols)), shape=(len(bounds), len(self.index))).tocsr()
        found = {}
        for target in targets:
            ends = []
            for sign in (1, -1):
                objective = [0.0] * len(self.index)
                objective[target] = sign
                result = linprog(objective, A_ub=matrix, b_ub=bounds, bounds=(0, None), method="highs")
                assert result.status == 0, f"published figures inconsistent with the method: {result.message}"
                ends.append(sign * result.fun)
            found[target] = (ends[0], ends[1])
        return found


def read_everything(client, attacker: Attacker, institutions: dict[int, tuple[str, int]]) -> None:
    names = [name for name, _label in service.COLUMNS]
    for month in REQUESTED:
        window = queries.months_ending(month)
        for scope in (ALL, *COUNTIES):
            for row in csv_rows(client, table="monthly", county=scope, month=month):
                for name, text in zip(names, row[1:]):
                    if name in COUNTED:
                        attacker.published(attacker.cells(scope, [row[0]], name), text)
            for category, row in zip(Category, csv_rows(client, table="categories", county=scope, month=month)):
                attacker.published(attacker.cells(scope, [month], category), row[1])
                attacker.published(attacker.cells(scope, window, category), row[2])
        for row in csv_rows(client, table="counties", month=month):
            for name, text in zip(names, row[2:]):
                if name in COUNTED:
                    attacker.published(attacker.cells(row[0], [month], name), text)
    months = sorted({month for _county, month, _name in attacker.index})
    by_county: dict[str, list[int]] = {}
    for institution_id, (county, _count) in institutions.items():
        text = visible_text(client.get(f"/institutions/{institution_id}?lang=en").get_data(as_text=True))
        cell = attacker.var(("institution", institution_id))
        by_county.setdefault(county, []).append(cell)
        band = re.search(r"[Ff]ewer than (\d+) complaints about this institution", text)
        exact = re.search(r"(?<!than )\b(\d+) complaints? about this institution (?:has|have) been concluded", text)
        assert exact or band, "the institution page's count was not found"
        attacker.published([cell], f"<{band.group(1)}" if band else exact.group(1))
        if band:  # "fewer than 5" includes none
            cells, lower, upper = attacker.rows.pop()
            attacker.rows.append((cells, 0, upper))
    for county, cells in by_county.items():
        attacker.relations.append((cells, attacker.cells(county, months, "concluded")))


def test_no_published_combination_pins_down_a_small_cell(client, published_world):
    truth, institutions = published_world
    attacker = Attacker()
    read_everything(client, attacker, institutions)

    def true_value(key: tuple) -> int:
        if key[0] == "institution":
            return institutions[key[1]][1]
        county, month, name = key
        figures = truth.get(county, month)
        return figures.categories.get(name, 0) if isinstance(name, Category) else figures.counts[name]

    targets = {cell: key for key, cell in attacker.index.items()
               if key[0] == "institution" or key[1] in DATA_MONTHS}
    assert any(true_value(key) == 1 for key in targets.values())
    found = attacker.ranges(list(targets))
    for cell, (low, high) in found.items():
        assert low - 1e-6 <= true_value(targets[cell]) <= high + 1e-6  # the truth is always feasible
    pinned = sorted(f"{targets[cell]} = {true_value(targets[cell])}: {low:g}..{high:g}"
                    for cell, (low, high) in found.items() if high - low < WIDTH - 1e-6)
    assert pinned == [], f"{len(pinned)} cells narrowed below {WIDTH}: " + "; ".join(pinned[:40])


def test_rates_and_medians_on_fewer_than_five_cases_are_withheld_everywhere(client, published_world):
    truth, _institutions = published_world
    names = [name for name, _label in service.COLUMNS]
    cases = {"on_time": lambda f: f.with_deadline, "satisfaction": lambda f: f.rated,
             "follow_up_satisfaction": lambda f: f.followed,
             "median_days": lambda f: sum(f.days_histogram.values())}
    checked = 0
    for month in DATA_MONTHS:
        for scope in (ALL, *COUNTIES):
            for row in csv_rows(client, table="monthly", county=scope, month=month):
                for name, text in zip(names, row[1:]):
                    if name in cases and cases[name](truth.get(scope, row[0])) < service.SMALL_COUNT:
                        checked += 1
                        assert text == "—", f"{name} of {scope or 'the whole area'} in {row[0]} rests on few cases"
        for row in csv_rows(client, table="counties", month=month):
            for name, text in zip(names, row[2:]):
                if name in cases and cases[name](truth.get(row[0], month)) < service.SMALL_COUNT:
                    checked += 1
                    assert text == "—"
    assert checked > 20


def test_every_total_is_the_sum_of_its_published_parts(client, published_world):
    """What keeps the tables safe to combine: a total adds nothing an outsider could subtract."""
    names = [name for name, _label in service.COLUMNS]
    for month in DATA_MONTHS:
        counties = {row[0]: dict(zip(names, row[2:])) for row in csv_rows(client, table="counties", month=month)}
        assert set(counties) == set(COUNTIES)
        whole = next(dict(zip(names, row[1:])) for row in csv_rows(client, table="monthly", month=month)
                     if row[0] == month)
        for name in COUNTED:
            assert int(whole[name]) == sum(int(cells[name]) for cells in counties.values()), name
        for county in COUNTIES:
            categories = csv_rows(client, table="categories", county=county, month=month)
            assert int(counties[county]["received"]) == sum(int(row[1]) for row in categories)
        twelve = {row[0]: int(row[2]) for row in csv_rows(client, table="categories", month=month)}
        months = {each: {row[0]: int(row[1]) for row in csv_rows(client, table="categories", month=each)}
                  for each in queries.months_ending(month) if each >= DATA_MONTHS[0]}
        for label, total in twelve.items():
            assert total == sum(by_label[label] for by_label in months.values())
