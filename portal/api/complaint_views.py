"""Filing and following a complaint without a browser, with the public form's rules."""
from __future__ import annotations

from flask import g, request, url_for

from portal import clock
from portal.api import complaint_json, idempotency, serialize
from portal.api.blueprint import PREFIX, answer, bp, json_response
from portal.api.params import json_body
from portal.casework import lookup, timeline
from portal.clientkey import client_key
from portal.filing_limits import service as limits
from portal.i18n import _, _l
from portal.intake import tracking
from portal.intake.complaint_form import ComplaintForm
from portal.security.receipts import display
from portal.transaction import keep_on_error

answer(idempotency.KeyMalformed, "invalid_idempotency_key",
       _l("Idempotency-Key must be 16 to 128 visible ASCII characters, for example a UUID."))
answer(idempotency.KeyReused, "idempotency_key_reused",
       _l("This Idempotency-Key was used for a different complaint. Use a new key for a new complaint."))
answer(idempotency.AlreadyFiled, "already_filed",
       _l("This complaint was filed with this Idempotency-Key more than 15 minutes ago; its receipt code was "
          "given then and cannot be shown again."))
answer(lookup.ReceiptNotFound, "not_found",
       _l("We could not find a case with this receipt code. Check the code and try again."), 404)


@bp.post(f"{PREFIX}/complaints")
@limits.complaint_posts
@limits.complaints_filed
def file_complaint():
    """File a complaint from JSON, with the form's rules; answers with the case number and the
    receipt code, once. A retry with the same Idempotency-Key and body gets the same answer."""
    data = json_body()
    token = idempotency.form_token(request.headers.get("Idempotency-Key"), client_key())
    form = ComplaintForm(formdata=complaint_json.form_data(data), meta={"csrf": False})
    form.form_token.data = token
    if not form.validate():
        raise complaint_json.form_errors(form.errors)
    try:
        filed = idempotency.file_once(form.draft([]), token, clock.today(), clock.now())
    except idempotency.AlreadyFiled:
        keep_on_error()  # the receipt's stored copy was cleared for good: that must hold
        raise
    g.filed_new = not filed.replayed
    complaint = filed.complaint
    body = {"case_number": complaint.case_number, "receipt": display(filed.receipt),
            "status": serialize.labelled(complaint.status), "received_on": serialize.day(complaint.received_on),
            "acceptance_due": serialize.day(complaint.acceptance_due),
            "track": url_for("api.complaint_status")}
    headers = {"Idempotent-Replayed": "true"} if filed.replayed else None
    return json_response(body, 201, headers)


@bp.post(f"{PREFIX}/complaints/status")
@limits.receipt_lookups
def complaint_status():
    """Status, public timeline and written reply of the case a receipt belongs to."""
    data = json_body()
    unknown = sorted(set(data) - {"receipt"})
    if unknown:
        raise complaint_json.invalid_fields({name: [_("Unknown field.")] for name in unknown})
    receipt = data.get("receipt")
    if not isinstance(receipt, str) or not receipt.strip():
        raise complaint_json.invalid_fields({"receipt": [_("Enter the receipt code from your receipt.")]})
    complaint = lookup.find_by_receipt(receipt[:64])
    return json_response(serialize.complaint_status(
        complaint, timeline.public_timeline(complaint), timeline.written_reply(complaint),
        tracking.next_step(complaint)))
