"""Refund disputes with an institution that has a registered contact, and the links sent to it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import select

from portal.casework.models import Category
from portal.extensions import db
from portal.notifications.models import Message
from portal.security import crypto
from tests.support import complaints, institutions

CONTACT_MOBILE = "13700137000"
CONTACT_EMAIL = "contact.person@example.org"
FACTS = "家长于2026年9月预交学费12000元（48课时），上了6次课后要求退费，机构以合同约定为由拒绝退还剩余费用。"


@dataclass(frozen=True)
class Dispute:
    complaint_id: int
    case_number: str
    receipt: str
    institution_id: int


def dispute(app: Flask, category: Category = Category.FEES_REFUNDS, region: str = "330106",
            named: bool = True, mobile: str = CONTACT_MOBILE, email: str = CONTACT_EMAIL,
            name_shared: bool = False) -> Dispute:
    """A refund complaint filed (by a named parent) about a registered institution with a contact; committed."""
    with app.app_context():
        institution = institutions.institution(name=f"西湖区退费争议测试学校{institutions.new_uscc()[-6:]}",
                                               region_code=region, uscc=institutions.new_uscc(),
                                               licence_number=f"教民{institutions.new_uscc()[-10:]}号",
                                               contact_person="钱联系", contact_mobile=mobile, contact_email=email)
        filed = complaints.file(category=category, region_code=region, institution_id=institution.id,
                                institution_name="", description=FACTS,
                                identity=complaints.named_identity() if named else None,
                                mediation=name_shared, mediation_name_shared=name_shared)
        found = Dispute(filed.complaint.id, filed.complaint.case_number, filed.receipt, institution.id)
        db.session.commit()
    return found


def sent_messages(app: Flask, channel: str = "sms") -> list[dict]:
    """The outbox's messages on the channel, opened, oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(Message).where(Message.channel == channel).order_by(Message.id))
        return [json.loads(crypto.decrypt_text(row.payload)) for row in rows]


def link_path(message: dict) -> str:
    """The path of the one-time link a text message or an email carries."""
    url = message["params"]["link"] if "params" in message else \
        next(word for word in message["body"].split() if "/institution-answers/" in word)
    return urlsplit(url).path


def stored_document(complaint_id: int, institution_id: int, sender_id: int) -> int:
    """An answer with one document on the case, stored directly (flushed): the document's id."""
    import datetime as dt

    from portal.institution_answers.models import AnswerDocument, AnswerLink, Channel, InstitutionAnswer

    now = dt.datetime.now(dt.timezone.utc)
    link = AnswerLink(complaint_id=complaint_id, institution_id=institution_id, token_digest=f"{complaint_id:064d}",
                      channel=Channel.SMS, facts=FACTS, sent_by_id=sender_id, expires_at=now, answered_at=now)
    db.session.add(link)
    db.session.flush()
    answer = InstitutionAnswer(complaint_id=complaint_id, link_id=link.id, position="矩阵测试答复")
    db.session.add(answer)
    db.session.flush()
    sealed = crypto.encrypt_file(b"%PDF-1.4 matrix")
    document = AnswerDocument(answer_id=answer.id, filename="institution-1.pdf", media_type="application/pdf",
                              size=15, ciphertext=sealed.ciphertext, wrapped_key=sealed.wrapped_key)
    db.session.add(document)
    db.session.flush()
    return document.id
