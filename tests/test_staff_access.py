"""Every back-office route, for every role, inside and outside the record's jurisdiction.

The table below says who may use each route. A route missing from the table fails the test, so
a new staff page cannot be added without deciding who may see it.
"""
import datetime as dt
import re

import pytest
from flask import url_for
from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role, User
from portal.blacklist.models import BlacklistObjection
from portal.credit_repair.models import RepairApplication, RepairProof
from portal.custody import service as custody
from portal.db import utcnow
from portal.discretion.models import DiscretionRule
from portal.extensions import db
from portal.inspections import service as inspections
from portal.letters.models import Letter
from portal.notifications.models import Message
from portal.notifications.models import State as MessageState
from portal.observations.models import ObservationPhoto
from portal.recusal import service as recusal
from portal.refund_conduct import flags as conduct_flags
from portal.refund_conduct import service as conduct
from portal.registry.models import RegistryImport
from portal.security import crypto
from portal.security.attachments import clean
from portal.staffing import grants
from portal.workdays import recompute
from tests.support import files
from tests.support import institutions as factories
from tests.support import supervisors as supervisor_helpers
from tests.support.accounts import staff_user
from tests.support.blacklist import propose_entry
from tests.support.complaints import file, named_identity
from tests.support.disclosures import draft_disclosure
from tests.support.forms import csrf_token
from tests.support.inspections import item as inspection_item
from tests.support.inspections import prepare_draw
from tests.support.institution_answers import stored_document
from tests.support.notices import issued_notice, waiting_reply
from tests.support.practitioners import ban_decision
from tests.support.practitioners import register as register_ban
from tests.support.refund_conduct import flagged
from tests.support.typical import draft_case

STAFF = frozenset({Role.ADMIN, Role.HANDLER, Role.REVIEWER, Role.CUSTODIAN})
EVERYONE = STAFF | {Role.SUPERVISOR}
# endpoint: roles allowed. Routes taking a record answer 404 to an allowed role of another
# jurisdiction; a role that is not allowed gets 403 wherever the record is.
ACCESS = {
    "staff.account": STAFF,  # supervisors have their own account page in the workspace
    "staffing.users": {Role.ADMIN},
    "staffing.new_user": {Role.ADMIN},
    "staffing.user_detail": {Role.ADMIN},
    "staffing.grants_waiting": {Role.ADMIN},
    "staffing.grant_detail": {Role.ADMIN},
    "staffing.user_action": {Role.ADMIN},
    "workdays.index": {Role.ADMIN},  # national administrators only (NATIONAL_ONLY)
    "workdays.moved": {Role.ADMIN},
    "rules.index": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "rules.edit": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "casework.inbox": STAFF,
    "casework.case": STAFF,
    "casework.evidence": STAFF,
    "casework.packet": STAFF,
    "casework.export": STAFF,
    "casework.step": STAFF,
    "escalation.waiting": {Role.ADMIN, Role.HANDLER},
    "intake_staff.register": {Role.ADMIN, Role.HANDLER},
    "audit.index": {Role.ADMIN},
    "deliveries.index": {Role.ADMIN},
    "deliveries.retry": {Role.ADMIN},
    "staffing.user_email": {Role.ADMIN},
    "staffing.office_head": {Role.ADMIN},
    "deadline_extensions.page": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "enforcement.index": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "enforcement.page": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "enforcement.record": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},  # the service lets handlers only
    "enforcement.decide": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},  # a certified handler decides
    "enforcement.told": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "enforcement.link": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "enforcement.close": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    # The mediation track (the records' case asked for it); the service lets handlers take the steps.
    "mediation.page": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "mediation.decide": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "mediation.session": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "mediation.agree": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "mediation.end": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "mediation.report": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    # Refund conduct: read by those who handle cases; handlers propose, another certified officer decides.
    "refund_conduct.index": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "refund_conduct.institution": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "refund_conduct.propose_finding": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "refund_conduct.propose_lifting": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "refund_conduct.decide": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "deadline_extensions.queue": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "deadline_extensions.decide": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "recusal.declare": STAFF,
    "recusal.index": STAFF,
    "recusal.record": STAFF,
    "recusal.confirm": STAFF,
    "reply_delivery.page": {Role.ADMIN, Role.HANDLER},
    "letters.queue": {Role.ADMIN, Role.HANDLER},
    "letters.letter_pdf": {Role.ADMIN, Role.HANDLER},
    "letters.posted": {Role.ADMIN, Role.HANDLER},
    "followups.index": {Role.ADMIN, Role.HANDLER},
    "followups.record": {Role.ADMIN, Role.HANDLER},
    "institution_answers_staff.send": {Role.ADMIN, Role.HANDLER},
    "institution_answers_staff.document": STAFF,
    "rewards.decide": {Role.REVIEWER},
    "rewards.claim": {Role.HANDLER, Role.REVIEWER},
    "custody.new": {Role.HANDLER},
    "custody.identity": {Role.HANDLER},
    "custody.open_identity": {Role.HANDLER},
    "custody.queue": {Role.CUSTODIAN},
    "custody.decide": {Role.CUSTODIAN},
    "disclosure_staff.index": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "disclosure_staff.new": {Role.ADMIN, Role.HANDLER},
    "disclosure_staff.detail": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "disclosure_staff.submit": {Role.ADMIN, Role.HANDLER},
    "disclosure_staff.review": {Role.REVIEWER},
    "disclosure_staff.withdraw": {Role.ADMIN, Role.HANDLER},
    "disclosure_staff.revocation": {Role.ADMIN, Role.HANDLER},
    "credit_repair_staff.repair": {Role.ADMIN, Role.HANDLER},
    "credit_repair_staff.proof": {Role.ADMIN, Role.HANDLER},
    "publication_staff.index": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "blacklist_staff.objection": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "blacklist_staff.answer": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    # The periods are the same everywhere: province administrators only (both sides here are).
    "publication_staff.change": {Role.ADMIN},
    "discretion_staff.discretion": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    # The benchmark is the same everywhere: province administrators only (both sides here are).
    "discretion_staff.new_rule": {Role.ADMIN},
    "discretion_staff.edit_rule": {Role.ADMIN},
    "discretion_staff.remove_rule": {Role.ADMIN},
    "discretion_staff.export": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "discretion_staff.import_rules": {Role.ADMIN},
    "discretion_staff.apply_import": {Role.ADMIN},
    "credit_exchange.export": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "inspection_staff.index": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "inspection_items.item_list": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "inspection_items.item_edit": {Role.ADMIN, Role.HANDLER},
    "inspection_staff.new": {Role.ADMIN, Role.HANDLER},
    "inspection_staff.detail": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "inspection_staff.commit": {Role.ADMIN, Role.HANDLER},
    "inspection_staff.draw": {Role.ADMIN, Role.HANDLER},
    "inspection_staff.recusal": {Role.ADMIN, Role.HANDLER},
    "inspection_staff.confirm_recusal": {Role.ADMIN, Role.HANDLER},
    "inspection_staff.result": {Role.ADMIN, Role.HANDLER},
    "inspection_staff.publish": {Role.ADMIN, Role.HANDLER},
    "typical_staff.index": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "typical_staff.new": {Role.ADMIN, Role.HANDLER},
    "typical_staff.detail": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "typical_staff.submit": {Role.ADMIN, Role.HANDLER},
    "typical_staff.review": {Role.REVIEWER},
    "typical_staff.withdraw": {Role.ADMIN, Role.HANDLER},
    "blacklist_staff.index": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "blacklist_staff.new": {Role.ADMIN, Role.HANDLER},
    "blacklist_staff.detail": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "blacklist_staff.step": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "blacklist_staff.review_due": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "blacklist_import.import_list": {Role.ADMIN, Role.HANDLER},
    "blacklist_import.template": {Role.ADMIN, Role.HANDLER},
    # The register of banned practitioners: read and checked by these; entered, ended and linked by registrars.
    "practitioners.index": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "practitioners.new": {Role.ADMIN, Role.HANDLER},
    "practitioners.detail": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "practitioners.lift": {Role.ADMIN, Role.HANDLER},
    "practitioners.check": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "practitioners.link_blacklist": {Role.ADMIN, Role.HANDLER},
    "supervisor_staff.index": {Role.ADMIN, Role.HANDLER},
    "supervisor_staff.new": {Role.ADMIN},
    "supervisor_staff.detail": {Role.ADMIN, Role.HANDLER},
    "supervisor_staff.step": {Role.ADMIN},
    "supervisor_staff.duty_record": {Role.ADMIN, Role.HANDLER},
    "supervisor_staff.inbox": {Role.ADMIN, Role.HANDLER},
    "supervisor_staff.observation": {Role.ADMIN, Role.HANDLER},
    "supervisor_staff.open_case": {Role.ADMIN, Role.HANDLER},
    "supervisor_staff.photo": {Role.ADMIN, Role.HANDLER},
    # The registry: read by staff who act for the office; changed by those made registry officers
    # (the matrix's accounts are made registry officers; tests/registry checks the permission).
    "registry.index": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "registry.new": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "registry.detail": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "registry.edit": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "registry.close": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "registry.inspection": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "registry_imports.index": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "registry_imports.check": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "registry_imports.template": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "registry_imports.detail": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "registry_imports.submit": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "registry_imports.withdraw": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "registry_imports.decide": {Role.ADMIN, Role.HANDLER, Role.REVIEWER},
    "staffing.registry_officer": {Role.ADMIN},
    # Written notices: the reply's preview and sign-off by certified roles; the notices for anyone on the case.
    "notices_staff.preview": {Role.HANDLER, Role.REVIEWER},
    "notices_staff.confirm": {Role.HANDLER, Role.REVIEWER},
    "notices_staff.draft": STAFF,
    "notices_staff.sign_off": {Role.HANDLER, Role.REVIEWER},
    "notices_staff.return_draft": {Role.HANDLER, Role.REVIEWER},
    "notices_staff.notice": STAFF,
    "notices_staff.notice_pdf": STAFF,
    "notices_staff.settings": {Role.ADMIN},
}
# Pages only an administrator whose jurisdiction is the whole country may open: the national holiday
# schedule, and a national line of the discretion benchmark (`rule_id` is one: a province's
# administrator adds, imports and changes the province's own lines only, tests/discretion).
NATIONAL_ONLY = {"workdays.index", "workdays.moved", "discretion_staff.edit_rule", "discretion_staff.remove_rule"}
# Where posting a page's form is open to fewer roles than reading the page.
POST_ACCESS = {
    "rules.edit": {Role.ADMIN},  # everyone on staff reads a rule; a province's administrators change it
    "disclosure_staff.detail": {Role.ADMIN, Role.HANDLER},  # reviewers read a draft; drafters edit it
    "inspection_items.item_list": {Role.ADMIN, Role.HANDLER},  # reviewers read the item list; managers add
    "typical_staff.detail": {Role.ADMIN, Role.HANDLER},  # likewise
}
RECORD_ARGUMENTS = {"complaint_id", "attachment_id", "user_id", "request_id", "disclosure_id", "typical_case_id",
                    "entry_id", "supervisor_id", "observation_id", "objection_id", "proof_id"}
RECORD_ARGUMENTS |= {"draw_id", "item_id"}  # random inspections
RECORD_ARGUMENTS |= {"message_id"}  # the outbox
RECORD_ARGUMENTS |= {"grant_id"}  # four eyes on privileged accounts
RECORD_ARGUMENTS |= {"recusal_id"}  # a proposed recusal of an inspector
RECORD_ARGUMENTS |= {"institution_id", "import_id"}  # the registry
RECORD_ARGUMENTS |= {"ban_id"}  # the register of banned practitioners
RECORD_ARGUMENTS |= {"notice_id"}  # a written notice of the case
RECORD_ARGUMENTS |= {"document_id"}  # a document an institution sent with its answer
RECORD_ARGUMENTS |= {"object_id", "declaration_id"}  # recusal from a record; one waiting for a second person
RECORD_ARGUMENTS |= {"letter_id"}  # a notice in the print queue
RECORD_ARGUMENTS |= {"decision_id"}  # a refund-conduct finding waiting for a second officer
INSIDE = {Role.ADMIN: "330000"}  # a province administrator also changes the province's rules
OUTSIDE = {Role.ADMIN: "630000"}


def staff_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff")]


def test_every_staff_route_is_in_the_access_table(app):
    assert {rule.endpoint for rule in staff_rules(app)} == set(ACCESS)


@pytest.fixture
def records(app):
    """A case with a file in Hangzhou's Xihu District, a handler account there, and that
    handler's pending request to see the reporter's identity."""
    with app.app_context():
        filed = file(identity=named_identity(), files=[clean(files.jpeg_with_gps(), "photo.jpg")], mediation=True)
        user = staff_user("matrix.target", Role.HANDLER, display_name="被管理账号")
        request = custody.request_reveal(filed.complaint, user, "需要核实举报人是否为受害学生家长")
        disclosure = draft_disclosure(user, region_code="330106", decision_number="矩阵测试〔2026〕1号")
        typical_case = draft_case(user, region_code="330106")
        entry = propose_entry(user, region_code="330106", name="矩阵测试培训部")
        objection = BlacklistObjection(entry_id=entry.id, received_on=dt.date(2026, 11, 2), summary="矩阵测试异议",
                                       recorded_by_id=user.id)
        db.session.add(objection)
        application = RepairApplication(disclosure_id=disclosure.id, receipt_digest="0" * 64, statement="矩阵测试")
        db.session.add(application)
        db.session.flush()
        sealed = crypto.encrypt_file(files.pdf_with_author())
        proof = RepairProof(application_id=application.id, filename="proof-1.pdf", media_type="application/pdf",
                            size=10, ciphertext=sealed.ciphertext, wrapped_key=sealed.wrapped_key)
        db.session.add(proof)
        db.session.flush()
        rule = db.session.scalars(select(DiscretionRule)).first()
        draw, own_item = prepare_draw(user), inspection_item(user)
        inspections.commit(draw, user)
        first = inspections.reveal(draw, user)[0]
        proposal = inspections.recuse(draw, first, user, next(i for i in first.inspector_id_list if i != user.id),
                                      "矩阵测试回避")  # someone else's: waits for a second person
        watcher = staff_user("matrix.watcher", Role.SUPERVISOR, display_name="矩阵监督员")
        observation = supervisor_helpers.patrol(supervisor_helpers.appoint(watcher))
        photo_id = db.session.scalar(
            select(ObservationPhoto.id).where(ObservationPhoto.observation_id == observation.id))
        waiting_message = Message(key="matrix-waiting-message", channel="mail", region_code="330106", payload=b"x",
                                 state=MessageState.PENDING, attempts=1, next_attempt_at=utcnow())  # not failed: 409
        db.session.add(waiting_message)
        asker = staff_user("matrix.asker", Role.ADMIN, display_name="矩阵管理员")
        grant = grants.request_office_head(asker, user, "矩阵测试任命")
        recount, _moved = recompute.recompute([2099], "system")  # a year no deadline reaches
        institution = factories.institution(name="矩阵测试登记机构")
        flagged(institution, clock.today(), 2)
        finding = conduct.propose_finding(institution, user, "矩阵测试认定", {c.id for c in conduct_flags.flag_of(
            institution, clock.today()).cases}, clock.today())  # waits for a second officer
        registry_import = RegistryImport(region_code="330106", filename="matrix.xlsx", sha256="0" * 64, rows="[]",
                                         summary="{}", submitted_by_id=user.id)
        db.session.add(registry_import)
        ban = register_ban(user, ban_decision(user, staff_user("matrix.ban.reviewer", Role.REVIEWER, "330100"),
                                              number="矩阵测试〔2026〕2号"))
        notice = issued_notice(filed.complaint, user)
        letter = Letter(notice_id=notice.id, complaint_id=filed.complaint.id, region_code=notice.region_code,
                        created_at=notice.issued_at)
        db.session.add(letter)
        waiting_reply(filed.complaint, user)  # someone else's reply waits for its second sign-off
        document_id = stored_document(filed.complaint.id, institution.id, user.id)
        declaration = recusal.declare(recusal.kind_of("disclosure"), disclosure, asker, "矩阵测试利害关系",
                                      person=user)  # recorded by a colleague: waits for a second person
        db.session.commit()
        from portal.casework.models import Attachment
        attachment = db.session.query(Attachment).filter_by(complaint_id=filed.complaint.id).one()
        return {"complaint_id": filed.complaint.id, "attachment_id": attachment.id, "user_id": user.id,
                "request_id": request.id, "disclosure_id": disclosure.id, "rule_id": rule.id, "name": "note",
                "draw_id": draw.id, "item_id": own_item.id,
                "action": "disable", "typical_case_id": typical_case.id, "entry_id": entry.id,
                "objection_id": objection.id, "proof_id": proof.id,
                "supervisor_id": observation.supervisor_id, "observation_id": observation.id,
                "photo_id": photo_id, "step": "publish", "message_id": waiting_message.id, "grant_id": grant.id,
                "recusal_id": proposal.id, "object_type": "disclosure", "object_id": disclosure.id,
                "declaration_id": declaration.id,
                "recount_id": recount.id, "rule_name": "acceptance", "institution_id": institution.id,
                "import_id": registry_import.id, "ban_id": ban.id, "notice_id": notice.id,
                "reply_step": "conclude", "letter_id": letter.id,
                "document_id": document_id, "decision_id": finding.id}


def call(client, rule, values, method):
    with client.application.test_request_context():
        url = url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(client)})


@pytest.mark.parametrize("role", sorted(EVERYONE, key=lambda r: r.value))
def test_role_by_route_inside_and_outside_the_jurisdiction(app, records, signed_in, role):
    clients = {"inside": signed_in(role, INSIDE.get(role, "330100")),
               "outside": signed_in(role, OUTSIDE.get(role, "630100"))}
    with app.app_context():
        for client in clients.values():
            db.session.get(User, client.user_id).registry_officer = role is not Role.SUPERVISOR
        db.session.commit()
    for rule in staff_rules(app):
        takes_record = bool(rule.arguments & RECORD_ARGUMENTS)
        # A page with a form is also posted to: the post is checked as strictly as the page.
        for method in [method for method in ("GET", "POST") if method in rule.methods]:
            for side, client in clients.items():
                response = call(client, rule, records, method)
                where = f"{role.value} {side} {method} {rule.rule}: {response.status_code}"
                allowed = POST_ACCESS.get(rule.endpoint, ACCESS[rule.endpoint]) if method == "POST" \
                    else ACCESS[rule.endpoint]
                if rule.endpoint in NATIONAL_ONLY:  # every client here is of a province or narrower
                    allowed = set()
                if role not in allowed:
                    # Refused either way; another jurisdiction's record may be not found first.
                    refusals = (403, 404) if side == "outside" and takes_record else (403,)
                    assert response.status_code in refusals, where
                elif side == "outside" and takes_record:
                    assert response.status_code == 404, where
                elif method == "GET":
                    assert response.status_code == 200, where
                else:  # an empty post is refused as incomplete or not possible now, never let through
                    assert response.status_code in (409, 422), where


def test_signed_out_visitors_are_sent_to_sign_in(app, records, client):
    for rule in staff_rules(app):
        method = "GET" if "GET" in rule.methods else "POST"
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: records[arg] for arg in rule.arguments})
        response = client.get(url) if method == "GET" else client.post(url)
        # A post without a session has no CSRF token either: refused before anything else.
        assert response.status_code in ((302,) if method == "GET" else (302, 400)), rule.rule
        if response.status_code == 302:
            assert re.search(r"/login\?next=", response.headers["Location"]), rule.rule
