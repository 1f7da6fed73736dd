"""SMS: short texts to a reporter's mainland mobile number, queued in the durable outbox with the
change that causes them and delivered by its worker through the configured adapter.

A text never carries the complaint's details, the institution's name or the reply: only the case
number (or a one-time code) in one of the pre-approved templates. The provider's console holds
the texts themselves (短信模板, approved before use); the portal knows each template by name and
sends its parameters in order:

- "news" (case_number): there is news on case N, open the site with your 查询码;
- "notice" (case_number): a written notice was issued on case N, open the site with your 查询码;
- "code" (code): a one-time verification code, valid 5 minutes;
- "recovered" (case_number): a new 查询码 was issued for case N; if this was not you, call the office;
- "institution_link" (case_number, link): to an institution's registered contact, not a reporter —
  the office asks for the institution's answer on case N at the one-time link.

Adapters (PORTAL_SMS_ADAPTER): "tencent" (Tencent Cloud SMS, `tencent_sms`) and "log", the
development adapter, which only logs the template's name and the case number — never the number
it would go to, nor a code. Production refuses to start with "log" unless it is set explicitly.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app

from portal.config_checks import check_sms_templates, read_secret_file
from portal.identifiers import is_valid_mobile, normalise_mobile
from portal.notifications import outbox, tencent_sms

log = logging.getLogger(__name__)
CHANNEL = "sms"
# Each template's parameters, in the order the approved text numbers them ({1}, {2}, …).
TEMPLATES: dict[str, tuple[str, ...]] = {
    "news": ("case_number",),
    "notice": ("case_number",),
    "code": ("code",),
    "recovered": ("case_number",),
    "institution_link": ("case_number", "link"),
}


class UnknownTemplate(ValueError):
    """A feature asked for a template the portal does not have."""


class NotAMobileNumber(ValueError):
    """Not an 11-digit mainland mobile number."""


class SmsNotConfigured(RuntimeError):
    """The configured adapter lacks a setting where the outbox is delivered: the message waits."""


def mainland_mobile(text: str | None) -> str | None:
    """The 11-digit mainland mobile number in what a person typed (spaces, dashes, +86 or 0086 in
    front, full-width digits), or None."""
    number = normalise_mobile((text or "")[:40])
    return number if is_valid_mobile(number) else None


def queue_sms(to: str, template: str, params: dict, region_code: str | None = None) -> str:
    """Write a text to the outbox in the current transaction; it leaves only if that commits.
    `region_code` is the office it concerns (the administrators' outbox page). `to` must be a
    mainland mobile number (check with `mainland_mobile` first): anything else raises
    NotAMobileNumber, as an unknown template raises UnknownTemplate."""
    if template not in TEMPLATES:
        raise UnknownTemplate(template)
    number = mainland_mobile(to)
    if number is None:
        raise NotAMobileNumber()
    missing = [name for name in TEMPLATES[template] if not str(params.get(name, ""))]
    if missing:
        raise ValueError(f"template {template!r} needs {missing}")
    return outbox.put(CHANNEL, {"to": number, "template": template, "params": dict(params)}, region_code)


def _account() -> tencent_sms.Account:
    config = current_app.config
    key_file = config.get("SMS_SECRET_KEY_FILE")
    secret = read_secret_file(Path(key_file)) if key_file else None
    needed = (config.get("SMS_SECRET_ID"), secret, config.get("SMS_APP_ID"), config.get("SMS_SIGN_NAME"))
    if not all(needed):
        raise SmsNotConfigured()
    return tencent_sms.Account(config["SMS_SECRET_ID"], secret.decode(), config["SMS_APP_ID"],
                               config["SMS_SIGN_NAME"], config["SMS_REGION"], config["SMS_ENDPOINT"])


def _send_tencent(outgoing: outbox.Outgoing) -> None:
    content = outgoing.content
    template_ids = check_sms_templates(current_app.config.get("SMS_TEMPLATES") or "")
    if content["template"] not in template_ids:
        raise SmsNotConfigured()
    params = [str(content["params"][name]) for name in TEMPLATES[content["template"]]]
    tencent_sms.send(_account(), content["to"], template_ids[content["template"]], params, outgoing.key)


def _send_log(outgoing: outbox.Outgoing) -> None:
    """The development adapter: the template's name and the case number, nothing else."""
    content = outgoing.content
    log.info("sms (development, not sent): template %s, case %s", content["template"],
             content["params"].get("case_number", "-"))


ADAPTERS = {"tencent": _send_tencent, "log": _send_log}


def adapter_name() -> str:
    return current_app.config.get("SMS_ADAPTER") or "log"


def send(outgoing: outbox.Outgoing) -> None:
    """Deliver one text through the configured adapter."""
    ADAPTERS[adapter_name()](outgoing)


outbox.add_channel(CHANNEL, send)
