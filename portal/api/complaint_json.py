"""A complaint as JSON, read through the public complaint form: the JSON object becomes the
form's data (types checked first), and the form's messages come back per JSON field."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from portal.api.blueprint import ApiError
from portal.forms import TOO_LONG
from portal.i18n import _, _l

# JSON field → (expected type, the form field it fills). Types are checked before the form's
# own rules run, so a number where text belongs is reported as such.
COMPLAINT_FIELDS: dict[str, tuple[tuple[type, ...], str]] = {
    "category": ((str,), "category"),
    "institution_id": ((int, type(None)), "institution_id"),
    "institution_name": ((str,), "institution_name"),
    "institution_address": ((str,), "institution_address"),
    "region": ((str,), "region"),
    "description": ((str,), "description"),
    "occurred_on": ((str, type(None)), "occurred_on"),
    "ongoing": ((bool,), "ongoing"),
    "identity": ((str,), "identity"),
    "name": ((str,), "name"),
    "phone": ((str,), "phone"),
    "email": ((str,), "email"),
    "id_number": ((str,), "id_number"),
    "notify_by": ((str,), "notify_by"),
    "postal_address": ((str,), "postal_address"),
    "notify": ((bool,), "notify_by"),  # before notify_by: true asked for email
}
REQUIRED = ("category", "description", "identity")
# The named reporter's fields are dropped unread from an anonymous report, so the form never checks
# their length then; the API still refuses what its own document does not allow.
NAMED_MAX_LENGTH = {"name": 50, "phone": 20, "email": 254, "id_number": 30, "postal_address": 200}
# Form fields whose messages belong to a different JSON field.
FORM_TO_JSON = {"institution_query": "institution_id", "not_listed": "institution_id"}
TYPE_NAMES = {str: _l("text"), int: _l("a whole number"), bool: _l("true or false")}


def invalid_fields(fields: dict[str, list[str]], message: str | None = None) -> ApiError:
    """The 422 answer naming what is wrong with each field."""
    return ApiError(422, "invalid_fields", message or _("Some fields are missing or have the wrong type."), fields)


def _type_errors(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        if name not in COMPLAINT_FIELDS:
            errors[name] = [_("Unknown field.")]
            continue
        types, _field = COMPLAINT_FIELDS[name]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            errors[name] = [_("Must be %(type)s.", type=TYPE_NAMES[types[0]])]
        elif name in NAMED_MAX_LENGTH and len(value) > NAMED_MAX_LENGTH[name]:
            errors[name] = [str(TOO_LONG) % {"max": NAMED_MAX_LENGTH[name]}]
    for name in REQUIRED:
        if name not in data and name not in errors:
            errors[name] = [_("This field is required.")]
    return errors


def form_data(data: dict) -> MultiDict:
    """The JSON object as the complaint form would have received it from a browser."""
    if errors := _type_errors(data):
        raise invalid_fields(errors)
    form: dict[str, str] = {}
    for name, value in data.items():
        if value is None or value is False:
            continue
        if name == "notify":
            form.setdefault("notify_by", "email")
            continue
        form[COMPLAINT_FIELDS[name][1]] = "y" if value is True else str(value)
    if data.get("institution_id") is None:
        form["not_listed"] = "y"
    return MultiDict(form)


def form_errors(errors: dict[str, list]) -> ApiError:
    """The complaint form's messages, each under the JSON field it is about."""
    fields: dict[str, list[str]] = {}
    for name, messages in errors.items():
        fields.setdefault(FORM_TO_JSON.get(name, name), []).extend(str(message) for message in messages)
    return invalid_fields(fields, _("Some fields are not valid. Each message says what to change."))
