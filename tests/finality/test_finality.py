"""After a 复核 the same facts and reasons are not accepted again (信访工作条例 art. 36): staff are
warned at intake, online or registered by staff, when the reporter (by a keyed hash of the phone,
never the number) or the institution has a case made final by a 复核."""
import dataclasses

from portal.accounts.models import Role
from portal.casework.models import Complaint, ReviewStage, Status
from portal.extensions import db
from portal.finality import service as finality
from tests.support.accounts import staff_user
from tests.support.complaints import MARKER_PHONE, file, form_fields, named_identity
from tests.support.forms import open_form


def made_final(**overrides) -> Complaint:
    complaint = file(**overrides).complaint
    complaint.status, complaint.review_stage = Status.CONCLUDED, ReviewStage.RE_REVIEW
    return complaint


def test_the_phone_is_kept_only_as_a_keyed_hash(ctx):
    complaint = file(identity=named_identity()).complaint
    assert complaint.reporter_digest == finality.reporter_digest(MARKER_PHONE)
    assert MARKER_PHONE not in complaint.reporter_digest and len(complaint.reporter_digest) == 64
    assert finality.reporter_digest("139 1234 5678") == complaint.reporter_digest  # digits only
    assert file().complaint.reporter_digest is None  # anonymous: nothing to match by


def test_the_same_reporter_about_another_institution_is_found(ctx):
    officer = staff_user("final.handler", Role.HANDLER, "330106")
    earlier = made_final(identity=named_identity(), institution_name="星星补习社")
    new = file(identity=named_identity()).complaint
    assert finality.final_cases(new, officer) == [(earlier, True, False)]


def test_the_same_institution_from_an_anonymous_reporter_is_found(ctx):
    officer = staff_user("final.handler", Role.HANDLER, "330106")
    earlier = made_final()
    new = file().complaint
    assert finality.final_cases(new, officer) == [(earlier, False, True)]


def test_only_cases_made_final_by_a_re_review_and_in_the_jurisdiction(ctx):
    officer = staff_user("final.handler", Role.HANDLER, "330106")
    after_review = made_final(identity=named_identity())
    after_review.review_stage = ReviewStage.REVIEW  # a 复查 is not final: a 复核 may follow
    under_re_review = made_final(identity=named_identity())
    under_re_review.status = Status.UNDER_REVIEW
    made_final(identity=named_identity(), region_code="630103")  # another jurisdiction's
    other_reporter = made_final(identity=dataclasses.replace(named_identity(), phone="13800000000"),
                                institution_name="别家")
    db.session.flush()
    new = file(identity=named_identity(), institution_name="另一家培训机构").complaint
    assert finality.final_cases(new, officer) == []
    assert other_reporter.reporter_digest != new.reporter_digest


def test_the_staff_case_page_warns_with_a_link(app, signed_in):
    handler = signed_in(Role.HANDLER, "330106", username="final.page", certificate="浙杭执字0301")
    with app.app_context():
        earlier = made_final()
        new = file().complaint
        db.session.commit()
        earlier_id, earlier_number, new_id = earlier.id, earlier.case_number, new.id
    page = handler.get(f"/staff/cases/{new_id}?lang=zh_CN").get_data(as_text=True)
    assert "已经复核终结" in page and f'href="/staff/cases/{earlier_id}"' in page and earlier_number in page
    assert page.index("已经复核终结") < page.index('id="h-actions"')  # before the decision to accept
    page = handler.get(f"/staff/cases/{earlier_id}?lang=zh_CN").get_data(as_text=True)
    assert "已经复核终结" not in page  # no warning about itself, nor an empty panel


def test_staff_registration_warns_before_the_receipt(app, signed_in):
    handler = signed_in(Role.HANDLER, "330106", username="final.register", certificate="浙杭执字0302")
    with app.app_context():
        earlier = made_final(identity=named_identity(), institution_name="星星补习社")
        db.session.commit()
        earlier_number = earlier.case_number
    tokens = open_form(handler, "/staff/cases/new")
    fields = form_fields(source="phone", received_on="2026-11-20", identity="named", name="王某",
                         phone=MARKER_PHONE)
    page = handler.post("/staff/cases/new?lang=en", data={**tokens, **fields}).get_data(as_text=True)
    assert "Made final by a re-review" in page and earlier_number in page and "same reporter" in page
    assert MARKER_PHONE not in page
