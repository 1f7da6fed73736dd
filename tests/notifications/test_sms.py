"""SMS: texts queued in the outbox, sent by the real Tencent Cloud adapter to a local stand-in that
checks each request's TC3-HMAC-SHA256 signature, and the provider's codes sorted into retry or give up."""
import logging

import pytest
from sqlalchemy import select

from portal import clock
from portal.config import ConfigurationError, load_config
from portal.config_checks import SMS_TEMPLATE_NAMES
from portal.extensions import db
from portal.notifications import outbox, sms, tencent_sms
from portal.notifications.models import Attempt, Message, Result, State
from tests.support.mail import free_port
from tests.support.tencent_sms import (
    DOCUMENTED_EXAMPLE,
    SDK_APP_ID,
    SIGN_NAME,
    TEMPLATE_IDS,
    provider_settings,
    running_provider,
    verify_documented_example,
)

PHONE = "13912345678"


def message(key: str) -> Message:
    return db.session.scalar(select(Message).where(Message.key == key))


def attempts(key: str) -> list[Attempt]:
    return list(db.session.scalars(select(Attempt).where(Attempt.message_id == message(key).id).order_by(Attempt.id)))


def test_the_configuration_names_the_templates_the_sender_has():
    assert set(SMS_TEMPLATE_NAMES) == set(sms.TEMPLATES)


def test_the_stand_in_checks_signatures_as_the_documents_worked_example_does():
    assert verify_documented_example()


def test_the_adapter_signs_the_documents_worked_example_to_the_published_signature():
    example = DOCUMENTED_EXAMPLE
    header = tencent_sms.authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******", example["secret_key"], example["host"],
                                       "cvm", example["payload"], example["timestamp"])
    assert header == ("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, "
                      f"SignedHeaders=content-type;host, Signature={example['signature']}")
    # The document's intermediate values: the payload's hash and the canonical request's hash.
    canonical = tencent_sms.canonical_request(example["host"], example["payload"])
    assert canonical.endswith("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")
    assert tencent_sms.string_to_sign(example["timestamp"], "cvm", canonical).endswith(
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")


def test_a_text_leaves_after_the_commit_correctly_signed_with_the_approved_template(ctx, sms_provider):
    key = sms.queue_sms("+86 139-1234-5678", "news", {"case_number": "330106-20261122-0001"}, "330106")
    db.session.flush()
    assert sms_provider.received == []
    db.session.commit()
    [sent] = sms_provider.received
    assert sent.phone_numbers == ["+8613912345678"]
    assert (sent.template_id, sent.params) == (TEMPLATE_IDS["news"], ["330106-20261122-0001"])
    assert (sent.sign_name, sent.app_id, sent.region) == (SIGN_NAME, SDK_APP_ID, "ap-guangzhou")
    assert sent.session_context == key  # our message key travels with it
    assert message(key).state is State.SENT
    assert sms_provider.refused_signatures == 0


def test_each_template_sends_its_own_parameters(ctx, sms_provider):
    sms.queue_sms(PHONE, "code", {"code": "493021"})
    sms.queue_sms(PHONE, "recovered", {"case_number": "330106-20261122-0002"})
    sms.queue_sms(PHONE, "notice", {"case_number": "330106-20261122-0003"})
    db.session.commit()
    assert [(m.template_id, m.params) for m in sms_provider.texts_to(PHONE)] == [
        (TEMPLATE_IDS["code"], ["493021"]), (TEMPLATE_IDS["recovered"], ["330106-20261122-0002"]),
        (TEMPLATE_IDS["notice"], ["330106-20261122-0003"])]
    assert sms_provider.last_code_to(PHONE) == "493021"


def test_a_wrong_secret_key_is_refused_by_the_signature_check_and_given_up(ctx, app, sms_provider, tmp_path):
    wrong = tmp_path / "wrong_key"
    wrong.write_text("not-the-secret-key")
    with provider_settings(app, app.config["SMS_ENDPOINT"], tmp_path, SMS_SECRET_KEY_FILE=str(wrong)):
        key = sms.queue_sms(PHONE, "news", {"case_number": "330106-20261122-0001"})
        db.session.commit()
    assert sms_provider.refused_signatures == 1
    assert sms_provider.received == []
    assert message(key).state is State.FAILED
    assert message(key).last_error == "tencent: AuthFailure.SignatureFailure"
    assert [a.result for a in attempts(key)] == [Result.REFUSED]


@pytest.mark.parametrize("code", ["InvalidParameterValue.IncorrectPhoneNumber",
                                  "FailedOperation.TemplateIncorrectOrUnapproved",
                                  "FailedOperation.SignatureIncorrectOrUnapproved",
                                  "FailedOperation.PhoneNumberInBlacklist",
                                  "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
                                  "AuthFailure.SecretIdNotFound"])
def test_a_final_refusal_gives_up_at_once(ctx, sms_provider, code):
    sms_provider.answer_next(code)
    key = sms.queue_sms(PHONE, "news", {"case_number": "330106-20261122-0001"})
    db.session.commit()
    assert message(key).state is State.FAILED
    assert message(key).last_error == f"tencent: {code}"
    assert sms_provider.received == []


@pytest.mark.parametrize("code", ["InternalError.Timeout", "RequestLimitExceeded",
                                  "LimitExceeded.DeliveryFrequencyLimit", "LimitExceeded.PhoneNumberOneHourLimit",
                                  "FailedOperation.InsufficientBalanceInSmsPackage"])
def test_throttling_and_internal_errors_are_tried_again_and_then_sent_once(ctx, sms_provider, code):
    sms_provider.answer_next(code)
    key = sms.queue_sms(PHONE, "news", {"case_number": "330106-20261122-0001"})
    db.session.commit()
    waiting = message(key)
    assert waiting.state is State.PENDING
    assert waiting.next_attempt_at > clock.now()  # backs off
    assert waiting.last_error == "ProviderBusy"
    assert outbox.deliver_due(keys=[key]) == (0, 0)  # not due yet
    waiting.next_attempt_at = clock.now()
    db.session.commit()
    assert outbox.deliver_due(keys=[key]) == (1, 0)
    assert message(key).state is State.SENT
    assert [a.result for a in attempts(key)] == [Result.RETRY, Result.SENT]
    assert len(sms_provider.received) == 1


def test_a_provider_that_cannot_be_reached_is_tried_again(ctx, app, tmp_path):
    with provider_settings(app, f"http://127.0.0.1:{free_port()}/", tmp_path):
        key = sms.queue_sms(PHONE, "news", {"case_number": "330106-20261122-0001"})
        db.session.commit()
    assert message(key).state is State.PENDING
    assert message(key).last_error == "URLError"


def test_a_missing_template_id_waits_for_the_configuration(ctx, app, tmp_path):
    with running_provider() as (provider, endpoint), provider_settings(app, endpoint, tmp_path,
                                                                          SMS_TEMPLATES="news=2001001"):
        key = sms.queue_sms(PHONE, "code", {"code": "123456"})
        db.session.commit()
    assert message(key).state is State.PENDING
    assert message(key).last_error == "SmsNotConfigured"
    assert provider.received == []


def test_the_development_adapter_logs_the_template_and_case_never_the_number_or_code(ctx, app, caplog):
    assert app.config["SMS_ADAPTER"] == "log"
    with caplog.at_level(logging.INFO, logger="portal.notifications.sms"):
        news = sms.queue_sms(PHONE, "news", {"case_number": "330106-20261122-0009"})
        code = sms.queue_sms(PHONE, "code", {"code": "583920"})
        db.session.commit()
    assert message(news).state is State.SENT and message(code).state is State.SENT
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "template news, case 330106-20261122-0009" in logged
    assert "template code" in logged
    assert PHONE not in logged and "583920" not in logged


def test_the_outbox_row_holds_neither_the_number_nor_the_code(ctx):
    key = sms.queue_sms(PHONE, "code", {"code": "583920"})
    db.session.flush()
    stored = message(key).payload
    assert PHONE.encode() not in stored and b"583920" not in stored


def test_only_known_templates_and_mainland_mobile_numbers_are_queued(ctx):
    with pytest.raises(sms.UnknownTemplate):
        sms.queue_sms(PHONE, "reply", {"case_number": "x"})
    with pytest.raises(sms.NotAMobileNumber):
        sms.queue_sms("0571-87654321", "news", {"case_number": "x"})
    with pytest.raises(ValueError, match="case_number"):
        sms.queue_sms(PHONE, "news", {})


@pytest.mark.parametrize(("typed", "number"), [
    ("13912345678", "13912345678"), ("+86 139 1234 5678", "13912345678"), ("0086-139-1234-5678", "13912345678"),
    ("１３９１２３４５６７８", "13912345678"), ("8613912345678", "13912345678"),
    ("12912345678", None), ("1391234567", None), ("057187654321", None), ("", None), (None, None)])
def test_mainland_mobile_numbers_are_read_as_people_type_them(typed, number):
    assert sms.mainland_mobile(typed) == number


def _production(monkeypatch, tmp_path):
    from portal.security import keys

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    keys.generate(tmp_path / "secret_key", tmp_path / "receipt_pepper", tmp_path / "data_key",
                  tmp_path / "identity_key.pub", tmp_path / "identity_key")
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")


def test_production_refuses_the_development_adapter_unless_chosen_explicitly(monkeypatch, tmp_path):
    _production(monkeypatch, tmp_path)
    monkeypatch.delenv("PORTAL_SMS_ADAPTER", raising=False)
    with pytest.raises(ConfigurationError, match="PORTAL_SMS_ADAPTER is not set"):
        load_config("production")
    assert load_config("development").SMS_ADAPTER == "log"
    monkeypatch.setenv("PORTAL_SMS_ADAPTER", "log")
    assert load_config("production").SMS_ADAPTER == "log"


def test_production_refuses_a_provider_half_set_up(monkeypatch, tmp_path):
    _production(monkeypatch, tmp_path)
    monkeypatch.setenv("PORTAL_SMS_ADAPTER", "tencent")
    monkeypatch.setenv("PORTAL_SMS_SECRET_ID", "AKIDexample")
    monkeypatch.setenv("PORTAL_SMS_APP_ID", "1400006666")
    monkeypatch.setenv("PORTAL_SMS_SIGN_NAME", "教育监管")
    monkeypatch.setenv("PORTAL_SMS_TEMPLATES", "news=1,notice=2,code=3")
    with pytest.raises(ConfigurationError, match="PORTAL_SMS_SECRET_KEY_FILE.*institution_link="):
        load_config("production")
    (tmp_path / "sms_key").write_text("secret\n")
    monkeypatch.setenv("PORTAL_SMS_SECRET_KEY_FILE", str(tmp_path / "sms_key"))
    monkeypatch.setenv("PORTAL_SMS_TEMPLATES", "news=1,notice=2,code=3,recovered=4,institution_link=5")
    assert load_config("production").SMS_ADAPTER == "tencent"
    monkeypatch.setenv("PORTAL_SMS_TEMPLATES", "news=1,reply=2")
    with pytest.raises(ConfigurationError, match="PORTAL_SMS_TEMPLATES"):
        load_config("development")
    monkeypatch.setenv("PORTAL_SMS_ADAPTER", "aliyun")
    with pytest.raises(ConfigurationError, match="PORTAL_SMS_ADAPTER must be one of"):
        load_config("development")
