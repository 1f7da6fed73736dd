"""The enforcement pages, the inbox's marks, the daily reminders and the /stats funnel."""
import datetime as dt

from portal.accounts.models import Role
from portal.enforcement import reminders, service
from portal.enforcement.models import EnforcementCase
from portal.extensions import db
from portal.stats import queries as stats
from portal.stats.service import published_county
from tests.support.accounts import staff_user
from tests.support.complaints import file, named_identity
from tests.support.forms import csrf_token


def _case(app, region="330106"):
    with app.app_context():
        complaint = file(received_on=dt.date.today() - dt.timedelta(days=3), identity=named_identity(),
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
    refused = _post(handler, url + "/decision", "decision", decision="decline", decided_on=str(dt.date.today()))
    assert refused.status_code == 422 and "Say why no case is opened." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(EnforcementCase).filter_by(complaint_id=complaint_id).one().decided_on is None
    done = _post(handler, url + "/decision", "decision", decision="open", decided_on=str(dt.date.today()))
    assert done.status_code == 302
    page = handler.get(url + "?lang=zh_CN").get_data(as_text=True)
    assert f"教立〔{dt.date.today().year}〕" in page and "告知实名举报人" in page
    inbox = handler.get(f"/staff/cases?q={number}&lang=zh_CN").get_data(as_text=True)
    assert "前告知举报人" in inbox and "前作出处罚决定" in inbox
    told = _post(handler, url + "/told", "tell", told_on=str(dt.date.today()), how="phone")
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
    answer = _post(admin, url + "/decision", "decision", decision="open", decided_on=str(dt.date.today()))
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
    now = dt.datetime(2026, 9, 29, 4, tzinfo=dt.timezone.utc)
    for opened in (True, True, False):
        complaint = file(received_on=dt.date(2026, 9, 20)).complaint
        record = service.record_lead(complaint, handler, now=now)
        service.decide(record, complaint, handler, opened, dt.date(2026, 9, 28), "经核查不属实", now=now)
    file(received_on=dt.date(2026, 9, 21))  # a complaint never taken on the track is no lead
    table = stats.compute(["2026-09"])
    counts = table.get("330106", "2026-09").counts
    assert counts["enforcement_leads"] >= 3 and counts["cases_opened"] >= 2
    before = (counts["enforcement_leads"], counts["cases_opened"])
    shown = published_county(table.get("330106", "2026-09"))
    assert abs(shown.counts["cases_opened"] - before[1]) <= 4  # perturbed like every county cell
    assert table.get("", "2026-09").counts["enforcement_leads"] == sum(
        table.get(c, "2026-09").counts["enforcement_leads"] for c in table.counties)
