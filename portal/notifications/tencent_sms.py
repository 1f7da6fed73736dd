"""Tencent Cloud SMS (短信): the SendSms action of API 3.0, version 2021-01-11, signed with
TC3-HMAC-SHA256 exactly as Tencent Cloud's "Signature v3" document describes.

One request sends one message to one number. The answer is read at two levels: an `Error` in the
`Response` (the request itself was refused: authentication, parameters, throttling), or the number's
own `SendStatusSet` entry, whose `Code` is "Ok" when the message was accepted. Each code is sorted
into "try again later" (throttling, the provider's internal errors, an expired signature from clock
skew, an empty prepaid package) or "give up" (everything else: a wrong number, a template or
signature not approved, authentication failures, malformed requests) — `outbox.Permanent`.

The API has no idempotency key: the outbox's lease (one worker holds a message at a time) is what
keeps a message from being sent twice; our message key travels as `SessionContext`, which the
provider returns as is, so a message and its delivery receipt can be matched in the console.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from portal.notifications import outbox

log = logging.getLogger(__name__)
SERVICE = "sms"
ACTION = "SendSms"
VERSION = "2021-01-11"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
SIGNED_HEADERS = "content-type;host"
TIMEOUT_SECONDS = 10
# Codes (or their families, by prefix) worth another attempt later; every other code is final.
RETRY_CODES = ("InternalError", "RequestLimitExceeded", "LimitExceeded.DeliveryFrequencyLimit",
               "LimitExceeded.PhoneNumberThirtySecondLimit", "LimitExceeded.PhoneNumberOneHourLimit",
               "LimitExceeded.PhoneNumberDailyLimit", "LimitExceeded.AppDailyLimit",
               "LimitExceeded.AppGlobalDailyLimit", "LimitExceeded.AppMainlandChinaDailyLimit",
               "AuthFailure.SignatureExpire", "FailedOperation.InsufficientBalanceInSmsPackage",
               "ResourceUnavailable", "ServiceUnavailable")


@dataclass(frozen=True)
class Account:
    """What the provider's console gives: the API key pair, the SMS application, the approved
    signature (签名) and template ids, the region and the endpoint."""

    secret_id: str
    secret_key: str
    sdk_app_id: str
    sign_name: str
    region: str
    endpoint: str  # https://sms.tencentcloudapi.com, or a local stand-in in tests


class ProviderBusy(Exception):
    """The provider answered with a code worth another attempt later (kept as the error's kind)."""


def retry_later(code: str) -> bool:
    return any(code == family or code.startswith(family + ".") for family in RETRY_CODES)


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def canonical_request(host: str, payload: bytes, method: str = "POST", content_type: str = CONTENT_TYPE) -> str:
    """Step 1: the request in canonical form (POST to "/", no query; the signed headers content-type
    and host, names and values in lower case, trimmed, each ended by a newline; the payload's hash)."""
    headers = f"content-type:{content_type.strip().lower()}\nhost:{host.strip().lower()}\n"
    return "\n".join((method, "/", "", headers, SIGNED_HEADERS, _sha256_hex(payload)))


def string_to_sign(timestamp: int, service: str, canonical: str) -> str:
    """Step 2: the algorithm, the time, the credential scope (UTC date/service/tc3_request) and the
    canonical request's hash."""
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    return "\n".join((ALGORITHM, str(timestamp), f"{date}/{service}/tc3_request",
                      _sha256_hex(canonical.encode("utf-8"))))


def signature(secret_key: str, timestamp: int, service: str, to_sign: str) -> str:
    """Step 3: the signing key derived from the secret, the date and the service, then the signature."""
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode("utf-8"), date), service), "tc3_request")
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(secret_id: str, secret_key: str, host: str, service: str, payload: bytes, timestamp: int) -> str:
    """Step 4: the Authorization header of a POST with this JSON payload."""
    to_sign = string_to_sign(timestamp, service, canonical_request(host, payload))
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    return (f"{ALGORITHM} Credential={secret_id}/{date}/{service}/tc3_request, "
            f"SignedHeaders={SIGNED_HEADERS}, Signature={signature(secret_key, timestamp, service, to_sign)}")


def request_body(account: Account, to: str, template_id: str, params: list[str], key: str) -> bytes:
    """SendSms's parameters for one mainland number (E.164, +86)."""
    return json.dumps({"PhoneNumberSet": [f"+86{to}"], "SmsSdkAppId": account.sdk_app_id,
                       "TemplateId": template_id, "SignName": account.sign_name,
                       "TemplateParamSet": params, "SessionContext": key},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def send(account: Account, to: str, template_id: str, params: list[str], key: str) -> str:
    """Send one message; returns the provider's serial number. Raises outbox.Permanent for a final
    refusal, ProviderBusy or an OSError (network, HTTP 5xx) for one worth trying again."""
    payload = request_body(account, to, template_id, params, key)
    host = urlsplit(account.endpoint).netloc
    timestamp = int(time.time())  # the provider refuses a signature more than 5 minutes off its clock
    request = urllib.request.Request(account.endpoint, data=payload, method="POST", headers={
        "Authorization": authorization(account.secret_id, account.secret_key, host, SERVICE, payload, timestamp),
        "Content-Type": CONTENT_TYPE, "Host": host, "X-TC-Action": ACTION, "X-TC-Version": VERSION,
        "X-TC-Timestamp": str(timestamp), "X-TC-Region": account.region})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            body = answer.read()
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise ProviderBusy(f"HTTP {exc.code}") from exc
        raise outbox.Permanent(f"tencent: HTTP {exc.code}") from exc
    return read_answer(body, key)


def read_answer(body: bytes, key: str) -> str:
    """The serial number of an accepted message, or the exception its code calls for."""
    try:
        response = json.loads(body)["Response"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ProviderBusy("unreadable answer") from exc
    request_id = response.get("RequestId", "-")
    if "Error" in response:
        code = str(response["Error"].get("Code", "unknown"))
    else:
        statuses = response.get("SendStatusSet") or [{}]
        code = str(statuses[0].get("Code", "unknown"))
        if code == "Ok":
            # The provider's ids and ours only: never the number or the text.
            log.info("sms: message %s accepted by tencent (request %s, serial %s)", key, request_id,
                     statuses[0].get("SerialNo", "-"))
            return str(statuses[0].get("SerialNo", ""))
    log.warning("sms: message %s refused by tencent with %s (request %s)", key, code, request_id)
    if retry_later(code):
        raise ProviderBusy(code[:80])
    raise outbox.Permanent(f"tencent: {code}"[:80])
