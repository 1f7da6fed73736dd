"""Languages: the supported locales, how a request's locale is chosen, and the gettext helpers."""
from __future__ import annotations

import enum
import functools
from urllib.parse import urlencode

from babel import Locale, support
from flask import Flask, Response, current_app, g, has_app_context, request, url_for
from flask.globals import _cv_app
from flask_babel import (
    Babel,
    Domain,
    get_locale,
    get_translations,
    ngettext,  # noqa: F401
)
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from werkzeug.routing import BuildError
from wtforms.i18n import messages_path

from portal.config import SUPPORTED_LOCALES

LOCALE_COOKIE = "lang"
LOCALE_NAMES = {"zh_CN": "简体中文", "en": "English"}
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}
COOKIE_MAX_AGE = 365 * 24 * 3600


def match_locale(tag: str | None) -> str | None:
    """Map a language tag (`zh`, `zh-CN`, `zh-Hans`, `zh_CN`, `en-GB`…) to a supported locale."""
    if not tag:
        return None
    tag = tag.strip().replace("-", "_")
    if tag in SUPPORTED_LOCALES:
        return tag
    primary = tag.split("_", 1)[0].lower()
    # Only Simplified Chinese is offered; it is the closest catalogue for any Chinese reader.
    return {"zh": "zh_CN", "en": "en"}.get(primary)


def select_locale() -> str:
    """Choose the locale: `?lang=`, then the cookie, then Accept-Language, then the default."""
    chosen = match_locale(request.args.get("lang")) or match_locale(request.cookies.get(LOCALE_COOKIE))
    if chosen:
        return chosen
    for tag, _quality in request.accept_languages:
        chosen = match_locale(tag)
        if chosen:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_locale(response: Response) -> Response:
    """Keep a locale chosen through `?lang=` in a cookie so the next page keeps it."""
    chosen = match_locale(request.args.get("lang"))
    if chosen and request.cookies.get(LOCALE_COOKIE) != chosen:
        response.set_cookie(
            LOCALE_COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
            secure=request.is_secure,
        )
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


def switch_language_url(locale: str) -> str:
    """The current page's address with only `lang` changed; every other parameter kept as sent.

    The address is built from the matched route, never from the path as sent: a path such as
    `/%5Cevil.example` would otherwise become `/\\evil.example`, which browsers read as another
    host. A request no route matched (an error page) gets a link of its query alone, which stays
    on the address it was made to."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    args.append(("lang", locale))
    query = "?" + urlencode(args)
    if request.url_rule is None or request.endpoint is None:
        return query
    try:
        path = url_for(request.endpoint, **(request.view_args or {}))
    except (BuildError, ValueError):
        return query
    return path + query


@functools.lru_cache(maxsize=64)
def catalog_name(locale: Locale) -> str:
    """The catalogue folder for a Babel locale: `zh_Hans_CN` lives in translations/zh_CN."""
    return match_locale(f"{locale.language}_{locale.territory or ''}".rstrip("_")) or str(locale)


def current_locale() -> str:
    """The supported locale of the current request (`zh_CN` or `en`)."""
    locale = get_locale()
    return catalog_name(locale) if locale else current_app.config["BABEL_DEFAULT_LOCALE"]


def template_context() -> dict:
    """Values every template gets: the locale, its HTML tag and the switcher links."""
    locale = current_locale()
    return {
        "current_locale": locale,
        "html_lang": HTML_LANG.get(locale, "zh-CN"),
        "locale_names": LOCALE_NAMES,
        "switch_language_url": switch_language_url,
    }


def request_translations() -> support.NullTranslations:
    """The catalogue of the current request: where `CatalogDomain` keeps it on the request (one
    dictionary read, where Flask-Babel's own path takes a dozen calls through `g`), else looked up
    through Flask-Babel (the first string of a request, a forced locale, no request at all)."""
    context = _cv_app.get(None)
    if context is not None:
        kept = context.g.__dict__.get("_flask_babel")
        if kept is not None:
            translations = kept.__dict__.get("babel_translations")
            if translations is not None:
                return translations
    return get_translations()


def _(message: str, /, **variables: object) -> str:
    """Flask-Babel's `gettext` (the message translated, then filled in), by the shorter path."""
    text = request_translations().ugettext(message)
    return text % variables if variables else text


def _p(context: str, message: str, /, **variables: object) -> str:
    """Flask-Babel's `pgettext`: a message whose English word has several meanings."""
    text = request_translations().upgettext(context, message)
    return text % variables if variables else text


def _l(message: str, /, **variables: object) -> LazyString:
    """A label translated when shown (import-time labels), as Flask-Babel's `lazy_gettext`."""
    return LazyString(_, message, **variables)


def _lp(context: str, message: str, /, **variables: object) -> LazyString:
    """A label with a context, translated when shown, as Flask-Babel's `lazy_pgettext`."""
    return LazyString(_p, context, message, **variables)


# What templates call for `_()`, `gettext()`, `ngettext()`, `pgettext()` and `npgettext()`: the same
# as Jinja's "new style" gettext that Flask-Babel installs (the translation is a format string, always
# formatted, with its values escaped when autoescaping), in one call instead of four, since a page
# translates a few hundred strings.
@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, message: str, /, **variables: object) -> str:
    text = request_translations().ugettext(message)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


@pass_eval_context
def _template_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: object) -> str:
    variables.setdefault("num", num)
    text = request_translations().ungettext(singular, plural, num)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


@pass_eval_context
def _template_pgettext(eval_ctx: EvalContext, context: str, message: str, /, **variables: object) -> str:
    variables.setdefault("context", context)
    text = request_translations().upgettext(context, message)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


@pass_eval_context
def _template_npgettext(eval_ctx: EvalContext, context: str, singular: str, plural: str, num: int, /,
                        **variables: object) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    text = request_translations().unpgettext(context, singular, plural, num)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


class CatalogDomain(Domain):
    """Loads catalogues by the portal's folder names rather than Babel's full locale names."""

    def get_translations(self) -> support.NullTranslations:
        # Asked for by every translated string (a page asks a few hundred times): the request keeps
        # its catalogue, so the locale is not looked up again each time (a forced locale clears it).
        context = g._get_current_object() if has_app_context() else None
        kept = context.__dict__.get("_flask_babel") if context is not None else None
        if kept is not None and getattr(kept, "babel_translations", None) is not None:
            return kept.babel_translations
        locale = get_locale()
        if locale is None:
            return support.NullTranslations()
        name = catalog_name(locale)
        if name not in self.cache:
            directory = self.translation_directories[0]
            self.cache[name] = support.Translations.load(directory, [name], self.domain[0])
        if kept is not None:
            kept.babel_translations = self.cache[name]
        return self.cache[name]


class PortalBabel(Babel):
    """Flask-Babel with the portal's catalogue naming."""

    @property
    def domain_instance(self) -> Domain:
        app = current_app._get_current_object()
        domains = app.extensions.setdefault("portal_babel_domains", {})
        if self.domain not in domains:
            domains[self.domain] = CatalogDomain(domain=self.domain)
        return domains[self.domain]


_wtforms_catalogues: dict[str, support.Translations] = {}


def share_wtforms_translations() -> None:
    """Give the request WTForms' own messages in its language from a catalogue this process read
    once (Flask-WTF would read the file again for every request)."""
    locale = get_locale()
    name = str(locale)
    if name not in _wtforms_catalogues:
        _wtforms_catalogues[name] = support.Translations.load(messages_path(), [locale], domain="wtforms")
    request.wtforms_translations = _wtforms_catalogues[name]


def init_app(app: Flask) -> None:
    """Register the locale cookie, WTForms' messages and the template helpers."""
    app.after_request(remember_locale)
    app.before_request(share_wtforms_translations)
    app.context_processor(template_context)
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext,
                                 pgettext=_template_pgettext, npgettext=_template_npgettext)


class LabelledEnum(str, enum.Enum):
    """An enum stored by value whose members carry a translated label: `VALID = "valid", _l("Valid")`."""

    label: LazyString
    description: LazyString | None

    def __new__(cls, value: str, label: LazyString, description: LazyString | None = None) -> "LabelledEnum":
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.description = description
        return member
