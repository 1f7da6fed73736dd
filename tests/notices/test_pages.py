"""The notices' pages: the reply previewed then confirmed, the second sign-off (never its author),
each notice as a page and a PDF for staff of the jurisdiction and for the reporter of that case only."""
import html
import io
import re

import pypdf
import pytest

from portal.accounts.models import Role
from portal.casework import service as casework
from portal.casework.models import Complaint, Status
from portal.casework.timeline import public_timeline
from portal.extensions import db
from portal.notices import offices, service
from portal.notices.models import DraftState, ReplyDraft
from portal.security import audit
from tests.support.accounts import staff_user
from tests.support.complaints import file, track
from tests.support.forms import hidden, post_form
from tests.support.notices import confirm_previewed, issue_reply, preview_reply

REPLY = "经查属实，已责令该机构停止违规培训并退还费用。"


@pytest.fixture
def handler(signed_in):
    return signed_in(Role.HANDLER, "330106", username="np.handler", certificate="浙杭执字0811")


def accepted_case(app, region="330106"):
    with app.app_context():
        filed = file(region_code=region)
        officer = staff_user(f"np.accept.{filed.complaint.id}", Role.HANDLER, region)
        casework.apply(filed.complaint, "accept", officer)
        db.session.commit()
        return filed.complaint.id, filed.complaint.case_number, filed.receipt


def notices_of(app, complaint_id):
    with app.app_context():
        return [(n.id, n.kind, n.number, n.text) for n in service.for_case(db.session.get(Complaint, complaint_id))]


def test_the_reply_is_previewed_as_it_will_be_issued_then_issued_on_confirmation(app, handler):
    complaint_id, number, _ = accepted_case(app)
    preview = preview_reply(handler, complaint_id, "conclude", REPLY, administrative=True)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "答复意见书" in page and REPLY in page and "（签发时编号）" in page
    assert "杭州市西湖区人民政府申请行政复议" in page and "提起行政诉讼" in page
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).status is Status.ACCEPTED  # nothing issued yet
    assert [kind for _, kind, _, _ in notices_of(app, complaint_id)] == ["acceptance"]
    done = confirm_previewed(handler, complaint_id, "conclude", page)
    assert done.status_code == 302
    [_, (notice_id, kind, doc_number, text)] = notices_of(app, complaint_id)
    assert kind == "reply" and REPLY in text and "行政复议" in text and number in text
    previewed = [html.unescape(p) for p in re.findall(r'<p class="document__paragraph">([^<]*)</p>', page)]
    assert previewed and previewed == service.layout(text).body  # the words issued are the words previewed
    assert html.unescape(re.search(r'<p class="document__number">([^<]*)</p>', page).group(1)) == "（签发时编号）"
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).status is Status.CONCLUDED


def test_a_reply_changed_since_its_preview_is_shown_again_not_issued(app, handler, signed_in):
    complaint_id, _, _ = accepted_case(app)
    page = preview_reply(handler, complaint_id, "conclude", REPLY).get_data(as_text=True)
    admin = signed_in(Role.ADMIN, "330106")
    assert post_form(admin, "/staff/notices/settings", authority="杭州市西湖区教育局（新）", short_name="西湖",
                     number_pattern="{office_short}教信〔{year}〕{seq}号").status_code == 302
    refused = confirm_previewed(handler, complaint_id, "conclude", page)
    assert refused.status_code == 409 and "杭州市西湖区教育局（新）" in refused.get_data(as_text=True)
    assert [kind for _, kind, _, _ in notices_of(app, complaint_id)] == ["acceptance"]


def test_the_case_page_posts_the_reply_to_the_preview_and_refuses_it_directly(app, handler):
    complaint_id, _, _ = accepted_case(app)
    page = handler.get(f"/staff/cases/{complaint_id}").get_data(as_text=True)
    assert f'action="/staff/cases/{complaint_id}/reply/conclude/preview"' in page
    direct = handler.post(f"/staff/cases/{complaint_id}/steps/conclude",
                          data={"csrf_token": hidden(page, "csrf_token"), "conclude-text": REPLY})
    assert direct.status_code == 409
    empty = preview_reply(handler, complaint_id, "conclude", "")
    assert empty.status_code == 422 and 'id="conclude-text-error"' in empty.get_data(as_text=True)


def test_a_second_sign_off_by_another_certified_officer_where_the_office_wants_it(app, handler, signed_in):
    with app.app_context():
        offices.update(staff_user("np.admin", Role.ADMIN, "330106"), "杭州市西湖区教育局", "西湖",
                       offices.DEFAULT_PATTERN, True, __import__("portal.clock").clock.now())
        db.session.commit()
    complaint_id, _, receipt = accepted_case(app)
    sent = issue_reply(handler, complaint_id, "conclude", REPLY)
    assert sent.status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.status is Status.ACCEPTED and REPLY not in [e.body for e in public_timeline(complaint)]
        assert [r.action for r in audit.for_object("complaint", complaint_id)][-1] == "notice.reply_submitted"
    assert [kind for _, kind, _, _ in notices_of(app, complaint_id)] == ["acceptance"]
    own = handler.get(f"/staff/cases/{complaint_id}/reply/waiting").get_data(as_text=True)
    assert REPLY in own and "审签并签发" not in own
    refused = handler.post(f"/staff/cases/{complaint_id}/reply/waiting/sign-off",
                           data={"csrf_token": hidden(own, "csrf_token"), "seen": "0" * 64})
    assert refused.status_code == 403
    again = issue_reply(handler, complaint_id, "conclude", "另一份答复")
    assert again.status_code == 302  # refused: one reply waits at a time
    custodian = signed_in(Role.CUSTODIAN, "330106")
    assert post_form(custodian, f"/staff/cases/{complaint_id}/reply/waiting/sign-off", "/staff/account",
                     seen="0" * 64).status_code == 403
    colleague = signed_in(Role.HANDLER, "330106", certificate="浙杭执字0812")
    page = colleague.get(f"/staff/cases/{complaint_id}/reply/waiting").get_data(as_text=True)
    signed = colleague.post(f"/staff/cases/{complaint_id}/reply/waiting/sign-off",
                            data={"csrf_token": hidden(page, "csrf_token"), "seen": hidden(page, "seen")})
    assert signed.status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.status is Status.CONCLUDED
        draft = db.session.query(ReplyDraft).filter_by(complaint_id=complaint_id).one()
        assert draft.state is DraftState.ISSUED and draft.decided_by_id == colleague.user_id != draft.drafted_by_id
        assert [e.actor_id for e in public_timeline(complaint)][-1] == colleague.user_id
    [_, (reply_id, kind, reply_number, text)] = notices_of(app, complaint_id)
    assert kind == "reply" and REPLY in text and "另一份答复" not in text
    reporter = app.test_client()
    track(reporter, receipt)
    assert reply_number in reporter.get("/track/case").get_data(as_text=True)


def test_a_waiting_reply_goes_back_with_the_reason(app, handler, signed_in):
    with app.app_context():
        offices.update(staff_user("np.admin2", Role.ADMIN, "330106"), "杭州市西湖区教育局", "西湖",
                       offices.DEFAULT_PATTERN, True, __import__("portal.clock").clock.now())
        db.session.commit()
    complaint_id, _, _ = accepted_case(app)
    issue_reply(handler, complaint_id, "conclude", REPLY)
    colleague = signed_in(Role.HANDLER, "330106", certificate="浙杭执字0813")
    page = colleague.get(f"/staff/cases/{complaint_id}/reply/waiting").get_data(as_text=True)
    url = f"/staff/cases/{complaint_id}/reply/waiting/return"
    assert colleague.post(url, data={"csrf_token": hidden(page, "csrf_token"), "note": ""}).status_code == 422
    assert colleague.post(url, data={"csrf_token": hidden(page, "csrf_token"),
                                     "note": "法律依据引用有误"}).status_code == 302
    assert colleague.get(f"/staff/cases/{complaint_id}/reply/waiting").status_code == 404
    assert issue_reply(handler, complaint_id, "conclude", REPLY + "（已更正）").status_code == 302  # waits again


def test_staff_and_the_reporter_open_each_notice_and_its_pdf_other_jurisdictions_do_not(app, handler, signed_in):
    complaint_id, number, receipt = accepted_case(app)
    issue_reply(handler, complaint_id, "conclude", REPLY)
    [(first_id, _, first_number, _), (reply_id, _, reply_number, _)] = notices_of(app, complaint_id)
    case_page = handler.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)
    assert "Written notices" in case_page and f"/staff/cases/{complaint_id}/notices/{reply_id}.pdf" in case_page
    shown = handler.get(f"/staff/cases/{complaint_id}/notices/{reply_id}?lang=en")
    assert shown.status_code == 200 and reply_number in shown.get_data(as_text=True)
    assert "matches the fingerprint" in shown.get_data(as_text=True)
    download = handler.get(f"/staff/cases/{complaint_id}/notices/{reply_id}.pdf")
    assert download.mimetype == "application/pdf" and download.headers["Cache-Control"] == "no-store"
    extracted = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(download.data)).pages).replace("\n", "")
    assert number in extracted and "杭州市西湖区教育局" in extracted and reply_number in extracted
    sibling = signed_in(Role.HANDLER, "330105")
    for suffix in ("", ".pdf"):
        assert sibling.get(f"/staff/cases/{complaint_id}/notices/{reply_id}{suffix}").status_code == 404
    other_id, _, other_receipt = accepted_case(app)
    assert handler.get(f"/staff/cases/{other_id}/notices/{reply_id}").status_code == 404  # not that case's
    reporter = app.test_client()
    assert reporter.get(f"/track/notices/{reply_id}").status_code == 302  # no case open: the receipt first
    track(reporter, receipt)
    listing = reporter.get("/track/case?lang=en").get_data(as_text=True)
    assert "Written notices" in listing and f"/track/notices/{first_id}.pdf" in listing and reply_number in listing
    page = reporter.get(f"/track/notices/{reply_id}")
    assert page.status_code == 200 and REPLY in page.get_data(as_text=True)
    download = reporter.get(f"/track/notices/{reply_id}.pdf")
    extracted = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(download.data)).pages).replace("\n", "")
    assert number in extracted and reply_number in extracted
    stranger = app.test_client()
    track(stranger, other_receipt)  # the reporter of another case
    assert stranger.get(f"/track/notices/{reply_id}").status_code == 404
    assert stranger.get(f"/track/notices/{reply_id}.pdf").status_code == 404


def test_only_an_administrator_edits_the_office_settings_and_a_bad_pattern_comes_back(app, handler, signed_in):
    assert handler.get("/staff/notices/settings").status_code == 403
    admin = signed_in(Role.ADMIN, "330106")
    page = admin.get("/staff/notices/settings?lang=en").get_data(as_text=True)
    assert "杭州市西湖区教育局" in page and "defaults" in page
    bad = post_form(admin, "/staff/notices/settings?lang=en", authority="杭州市西湖区教育局", short_name="西湖",
                    number_pattern="{office_short}〔{year}〕号")
    assert bad.status_code == 422 and "must contain {year} and {seq}" in bad.get_data(as_text=True)
    with app.app_context():
        assert not offices.settings_for("330106").stored
    good = post_form(admin, "/staff/notices/settings", authority="杭州市西湖区教育局", short_name="西",
                     number_pattern="{office_short}教{kind}〔{year}〕{seq}号", second_signoff="y")
    assert good.status_code == 302
    with app.app_context():
        assert offices.settings_for("330106").second_signoff


def test_pdfs_are_limited_per_client(app, handler):
    app.config["LIMIT_NOTICE_PDF"] = "2 per minute"
    try:
        complaint_id, _, receipt = accepted_case(app)
        [(notice_id, _, _, _)] = notices_of(app, complaint_id)
        reporter = app.test_client()
        track(reporter, receipt)
        statuses = [reporter.get(f"/track/notices/{notice_id}.pdf").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
    finally:
        app.config["LIMIT_NOTICE_PDF"] = "20 per minute;200 per day"
