"""Each process reads a catalogue once: the portal's own, and WTForms' messages, in the request's
language; a locale forced inside a request (mail in both languages) still gets its own."""
from __future__ import annotations

from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms import IntegerField

from portal import i18n
from portal.i18n import _


class CountForm(FlaskForm):
    class Meta:
        csrf = False

    count = IntegerField("count")


def validated(app, lang: str) -> list[str]:
    with app.test_request_context(f"/?lang={lang}", method="POST", data={"count": "x"}):
        app.preprocess_request()
        form = CountForm()
        form.validate()
        return form.count.errors


def test_wtforms_messages_come_in_the_request_language_from_one_read_catalogue(app):
    assert validated(app, "zh_CN") == ["不是有效的整数。"]
    assert validated(app, "en") == ["Not a valid integer value."]
    catalogues = dict(i18n._wtforms_catalogues)
    assert validated(app, "zh_CN") == ["不是有效的整数。"]
    assert {k: id(v) for k, v in i18n._wtforms_catalogues.items()} == {k: id(v) for k, v in catalogues.items()}


def test_a_forced_locale_is_translated_in_its_language_and_the_request_keeps_its_own(app):
    with app.test_request_context("/?lang=zh_CN"):
        app.preprocess_request()
        assert _("Blacklist") == "黑名单"
        with force_locale("en"):
            assert _("Blacklist") == "Blacklist"
        assert _("Blacklist") == "黑名单"
