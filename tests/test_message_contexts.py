"""One English word, two Chinese meanings: an English label used by more than one enum or form
field carries a context (pgettext), so the Chinese catalogue can translate each use its own way
("Sports" a department or a kind of training; "Licence revoked" a licence's state or a penalty)."""
from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

import portal
from portal.i18n import LabelledEnum


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _import_everything() -> None:
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        importlib.import_module(module.name)


def _owners() -> dict[str, list[tuple[str, str | None, bool]]]:
    """Each English message an enum member, a form field's choice or a field's label shows, with
    who shows it, under which context, and whether it names a value (an enum member or a choice)
    rather than a field. A form's choices and labels taken from an enum are the enum's own labels
    (the same object) and count once; a choice with an empty value ("Choose…", "Any") is a prompt,
    not a meaning."""
    seen: dict[int, tuple[LazyString, str, bool]] = {}
    for enum_class in _subclasses(LabelledEnum):
        for member in enum_class:
            for text in (member.label, member.description):
                if isinstance(text, LazyString):
                    seen[id(text)] = (text, f"{enum_class.__module__}.{enum_class.__qualname__}", True)
    fields = []
    for form in _subclasses(FlaskForm):
        for name in dir(form):
            field = getattr(form, name, None)
            if isinstance(field, UnboundField):
                fields.append((f"{form.__module__}.{form.__qualname__}.{name}", field))
    for owner, field in fields:
        for choice in field.kwargs.get("choices") if isinstance(field.kwargs.get("choices"), (list, tuple)) else ():
            value, label = (choice.value, choice.label) if hasattr(choice, "label") else choice[:2]
            if value != "" and isinstance(label, LazyString) and id(label) not in seen:
                seen[id(label)] = (label, owner, True)
    for owner, field in fields:
        label = field.kwargs.get("label", field.args[0] if field.args else None)
        if isinstance(label, LazyString) and id(label) not in seen:
            seen[id(label)] = (label, f"{owner} (label)", False)
    owners: dict[str, list[tuple[str, str | None, bool]]] = defaultdict(list)
    for text, owner, value in seen.values():
        context = text._args[0] if len(text._args) == 2 else None  # lazy_pgettext(context, message)
        owners[text._args[-1]].append((owner, context, value))
    return owners


def test_a_message_shared_by_several_enums_or_fields_has_a_context_in_each():
    """A value's label ("Sports", "Licence revoked") used anywhere else as well, by another enum,
    another field's choices or a field's own label, needs a context in every use. Two fields that
    merely share a name ("Year", "Reason") are one meaning and are left alone."""
    _import_everything()
    shared = {message: [(owner, context) for owner, context, _value in uses]
              for message, uses in _owners().items()
              if len({owner for owner, _, _ in uses}) > 1 and any(value for _, _, value in uses)}
    assert "Sports" in shared  # the scan sees both uses (a department, a kind of training)
    missing = {message: sorted(owner for owner, context in uses if context is None)
               for message, uses in shared.items() if any(context is None for _, context in uses)}
    assert missing == {}, "give each use its own context (_lp):\n" + "\n".join(
        f"  {message!r}: {owners}" for message, owners in sorted(missing.items()))


def test_the_chinese_catalogue_tells_the_meanings_apart(ctx):
    from flask_babel import force_locale

    from portal.casework.models import EventKind, Status
    from portal.discretion.models import PenaltyCategory
    from portal.institutions.models import InstitutionKind, LicenceStatus
    from portal.routing.forms import Department

    with force_locale("zh_CN"):
        assert (str(Department.SPORTS.label), str(InstitutionKind.SPORTS.label)) == ("体育部门", "体育类")
        assert str(PenaltyCategory.REVOKE_LICENCE.label) == "吊销许可证件"
        assert str(PenaltyCategory.SUSPEND_LICENCE.label) == "暂扣许可证件"
        assert str(LicenceStatus.REVOKED.label) == "办学许可证已吊销"
        assert (str(Status.ACCEPTED.label), str(EventKind.ACCEPTED.label)) == ("已受理", "予以受理")
    with force_locale("en"):
        assert str(Department.SPORTS.label) == str(InstitutionKind.SPORTS.label) == "Sports"
