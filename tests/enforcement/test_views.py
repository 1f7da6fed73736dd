"""The enforcement pages, the inbox's marks, the daily reminders and the /stats funnel."""
import datetime as dt

from portal.accounts.models import Role
from portal.disclosures import service as disclosures
from portal.enforcement import reminders, service
from portal.enforcement.models import EnforcementCase
from portal.extensions import db
from portal.stats import queries as stats
from portal.stats.service import SMALL_COUNT, figure_cells, published_county
from tests.support.accounts import staff_user
from tests.support.complaints import file, named_identity
from tests.support.days import local_today
from tests.support.disclosures import draft_disclosure
from tests.support.forms import csrf_token


def _case(app, region="330106"):
    with app.app_context():
        complaint = file(received_on=local_today() - dt.timedelta(days=3), identity=named_identity(),
                         region_code=region).complaint
        db.session.commit()
        return complaint.id, complaint.case_number


def _post(client, url, prefix, **fields):
    token = csrf_token(client)
    return client.post(url, data={f"{prefix}-csrf_token": token, **{f"{prefix}-{k}": v for k, v in fields.items()}})


def test_a_named_report_is_opened_and_the_notice_is_due_in_the_inbox(app, signed_in):
    handler = signed_in(Role.HANDLER, "330106")
    complaint_id, number = _case(app)
    url = f"/staff/cases/{complaint_id}/enforcement"
    assert handler.get(url + "?lang=en").status_code == 200
    assert _post(handler, url + "/record", "record", state="none").status_code == 302
    refused = _post(handler, url + "/decision", "decision", decision="decline", decided_on=str(local_today()))
    assert refused.status_code == 422 and "Say why no case is opened." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(EnforcementCase).filter_by(complaint_id=complaint_id).one().decided_on is None
    done = _post(handler, url + "/decision", "decision", decision="open", decided_on=str(local_today()))
    assert done.status_code == 302
    page = handler.get(url + "?lang=zh_CN").get_data(as_text=True)
    assert f"教立〔{local_today().year}〕" in page and "告知实名投诉举报人" in page
    inbox = handler.get(f"/staff/cases?q={number}&lang=zh_CN").get_data(as_text=True)
    assert "前告知投诉举报人" in inbox and "前作出处罚决定" in inbox
    told = _post(handler, url + "/told", "tell", told_on=str(local_today()), how="phone")
    assert told.status_code == 302
    assert "电话" in handler.get(url + "?lang=zh_CN").get_data(as_text=True)


def test_another_jurisdiction_answers_404(app, signed_in):
    complaint_id, _number = _case(app)
    neighbour = signed_in(Role.HANDLER, "330105")
    url = f"/staff/cases/{complaint_id}/enforcement"
    assert neighbour.get(url).status_code == 404
    assert _post(neighbour, url + "/record", "record", state="none").status_code == 404
    assert neighbour.get("/staff/cases/999999/enforcement").status_code == 404


def test_an_admin_cannot_decide_on_opening_a_case(app, signed_in):
    complaint_id, _number = _case(app)
    handler, admin = signed_in(Role.HANDLER, "330106"), signed_in(Role.ADMIN, "330106")
    url = f"/staff/cases/{complaint_id}/enforcement"
    _post(handler, url + "/record", "record", state="none")
    answer = _post(admin, url + "/decision", "decision", decision="open", decided_on=str(local_today()))
    assert answer.status_code == 409


def test_reminders_of_the_notice_go_once(ctx, mailbox):
    handler = staff_user("enf.remind", Role.HANDLER, "330106", email="enf.remind@example.org")
    complaint = file(received_on=dt.date(2026, 9, 20), identity=named_identity()).complaint
    record = service.record_lead(complaint, handler)
    service.decide(record, complaint, handler, True, dt.date(2026, 9, 28),
                   now=dt.datetime(2026, 9, 29, 4, tzinfo=dt.timezone.utc))
    assert reminders.send_reminders(dt.date(2026, 10, 8)) == 1  # the notice is due on 10 October
    assert reminders.send_reminders(dt.date(2026, 10, 8)) == 0
    assert reminders.send_reminders(dt.date(2026, 10, 12)) == 1  # now overdue: once more


def test_stats_count_the_funnel_per_county(ctx):
    handler = staff_user("enf.stats", Role.HANDLER, "330106")
    reviewer = staff_user("enf.stats.reviewer", Role.REVIEWER, "330100")
    now = dt.datetime(2026, 9, 29, 4, tzinfo=dt.timezone.utc)
    before = stats.compute(["2026-09"]).get("330106", "2026-09").counts
    records = []
    for opened in (True, True, False):
        complaint = file(received_on=dt.date(2026, 9, 20)).complaint
        record = service.record_lead(complaint, handler, now=now)
        service.decide(record, complaint, handler, opened, dt.date(2026, 9, 28), "经核查不属实", now=now)
        records.append((complaint, record))
    file(received_on=dt.date(2026, 9, 21))  # a complaint never taken on the track is no lead
    decision = draft_disclosure(handler, decision_number="杭西教罚〔2026〕990号")
    disclosures.submit(decision, handler)
    disclosures.review(decision, reviewer, True)
    service.link(records[0][1], records[0][0], handler, decision.id)
    db.session.commit()  # the statistics count what is committed

    def grown(name: str) -> int:
        table = stats.compute(["2026-09"])
        assert table.get("", "2026-09").counts[name] == sum(table.get(c, "2026-09").counts[name]
                                                           for c in table.counties)
        return table.get("330106", "2026-09").counts[name] - before[name]

    assert (grown("enforcement_leads"), grown("cases_opened"), grown("penalties_decided")) == (3, 2, 1)
    table = stats.compute(["2026-09"])
    figures = table.get("330106", "2026-09")
    cells = figure_cells(figures, published_county(figures))
    if figures.counts["enforcement_leads"] < SMALL_COUNT:
        assert cells["opened_share"].text == "—"  # a share resting on fewer than five reports is left out
    if figures.counts["cases_opened"] < SMALL_COUNT:
        assert cells["penalty_share"].text == "—"
    assert abs(published_county(figures).counts["cases_opened"] - figures.counts["cases_opened"]) <= 4
    disclosures.withdraw(decision, handler, "复议撤销", revoked_on=decision.decision_date)
    db.session.commit()
    assert grown("penalties_decided") == 0  # a withdrawn decision is no penalty
