"""The kinds of written notice: a registry of what each is called, when it is issued and what it says.

A kind names its trigger (a workflow engine's object type and step: the notice is issued when that
step is taken), the facts its text needs and the text itself (Chinese, as the office issues it; the
reporter is addressed as 投诉举报人 with the case number, never by name). `Facts` holds what every
kind may use; a kind's `facts` adds its own from the step's record. Another feature adds a kind
with `register(app, Kind(...))` in its `init_app` (a feature below this one is given its kind here,
in `BUILT_IN`, by the integrator: its `facts` reads that feature's service).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from portal.casework.models import Complaint, ReviewStage
from portal.i18n import _l, _lp
from portal.workflow import Moved


def cn_date(day: dt.date | None) -> str:
    """A date as official documents write it: 2026年11月25日."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def paragraphs(text: str) -> str:
    """Written words as the document's paragraphs, each indented by two full-width spaces."""
    return "\n".join("　　" + line.strip(" 　\t") for line in text.splitlines() if line.strip(" 　\t"))


@dataclass(frozen=True)
class Facts:
    """What the service knows when a step is taken: the case, the office, the step."""

    complaint: Complaint
    record: Any  # the engine's record the step was taken on (the case, an extension request, …)
    moved: Moved
    authority: str  # the issuing office's name
    superior: str  # the office above it (复查, 复核 go there)
    government: str  # the people's government at its level (行政复议, 行政复议法 art. 24)
    administrative: bool = False  # the reply concerns an administrative act: name 行政复议 and 行政诉讼


@dataclass(frozen=True)
class Kind:
    """One kind of notice. `text` is a `str.format` template over `needs`; `facts(f)` gives them."""

    name: str
    title: str  # as printed on the document
    label: Any  # in the interface's language
    code: str  # the {kind} of the number pattern
    trigger: tuple[str, str]  # (workflow object type, step name)
    needs: tuple[str, ...]
    text: str
    facts: Callable[[Facts], dict]
    applies: Callable[[Facts], bool] = field(default=lambda facts: True)
    closing: str = ""  # 特此告知。 for a notice; nothing for an opinion

    def body(self, facts: Facts) -> str:
        """The paragraphs between the addressee and the signature, or KeyError for a missing fact."""
        values = self.facts(facts)
        missing = [name for name in self.needs if name not in values]
        if missing:
            raise KeyError(f"notice {self.name} lacks {', '.join(missing)}")
        text = self.text.format(**{name: values[name] for name in self.needs})
        return text + ("\n　　" + self.closing if self.closing else "")


def _case(f: Facts) -> dict:
    return {"received_on": cn_date(f.complaint.received_on), "superior": f.superior}


def _remedies(f: Facts) -> str:
    """行政复议 (60 days, 行政复议法 art. 20) and 行政诉讼 (6 months, 行政诉讼法 art. 46), where the
    reply concerns an administrative act."""
    if not f.administrative:
        return ""
    return ("\n　　本答复涉及行政行为。如您对该行政行为不服，可以自知道该行政行为之日起六十日内依法向"
            f"{f.government}申请行政复议，或者自知道该行政行为之日起六个月内依法向人民法院提起行政诉讼。")


def _reply(f: Facts) -> dict:
    requested = f.complaint.review_requested_at
    return {**_case(f), "reply": paragraphs(f.moved.reason), "remedies": _remedies(f),
            "requested_on": cn_date(requested.date() if requested else None)}


def _stage(stage: ReviewStage) -> Callable[[Facts], bool]:
    return lambda f: f.complaint.review_stage is stage


_OPENING = "　　本机关于{received_on}收到您反映的投诉举报事项。"
BUILT_IN = [
    Kind("acceptance", "受理告知书", _l("Notice of acceptance"), "受", ("complaint", "accept"),
         ("received_on", "conclusion_due"),
         _OPENING + "经审查，该事项属于本机关职责范围，依据《信访工作条例》第二十三条，本机关决定予以受理。\n"
         "　　本机关将自受理之日起六十日内办结，办理期限至{conclusion_due}，并向您出具书面答复意见（《信访工作条例》"
         "第三十四条）；情况复杂的，"
         "经本机关负责人批准可以适当延长办理期限，并告知您延期理由。您可以凭查询码在本平台查询办理进展。",
         lambda f: {**_case(f), "conclusion_due": cn_date(f.complaint.conclusion_due)}, closing="特此告知。"),
    Kind("non_acceptance", "不予受理告知书", _l("Notice of non-acceptance"), "不受", ("complaint", "not_accept"),
         ("received_on", "reason"),
         _OPENING + "经审查，本机关决定不予受理，理由如下：\n{reason}\n"
         "　　如您认为本决定有误，可以向本机关说明理由并补充材料后重新提出。依法应当通过诉讼、仲裁、行政复议等"
         "法定途径解决的事项，请依照有关法律、行政法规规定的程序向有关机关提出（《信访工作条例》第三十一条）。",
         lambda f: {**_case(f), "reason": paragraphs(f.moved.reason)}, closing="特此告知。"),
    Kind("transfer", "转办告知书", _l("Notice of transfer"), "转", ("complaint", "transfer"),
         ("received_on", "destination", "reason"),
         _OPENING + "经审查，该事项不属于本机关职责范围，依据《信访工作条例》第二十三条，本机关已将该事项转送"
         "{destination}处理。理由如下：\n{reason}\n　　请您与{destination}联系，了解该事项的办理情况。",
         lambda f: {**_case(f), "destination": f.complaint.transferred_to, "reason": paragraphs(f.moved.reason)},
         closing="特此告知。"),
    Kind("extension", "延期告知书", _l("Notice of extension"), "延", ("extension_request", "approve"),
         ("days", "new_due", "reason"),
         "　　您反映的投诉举报事项，因情况复杂，经本机关负责人批准，办理期限延长{days}日，延长后的办理期限至"
         "{new_due}（《信访工作条例》第三十四条）。延期理由如下：\n{reason}",
         lambda f: {"days": f.record.days, "new_due": cn_date(f.complaint.conclusion_due),
                    "reason": paragraphs(f.record.reason)}, closing="特此告知。"),
    Kind("reply", "答复意见书", _lp("notice kind", "Written reply"), "答", ("complaint", "conclude"),
         ("received_on", "reply", "superior", "remedies"),
         _OPENING + "本机关已依法办理，现答复如下：\n{reply}\n"
         "　　如您对本答复意见不服，可以自收到本答复意见书之日起三十日内向{superior}请求复查"
         "（《信访工作条例》第三十五条）。{remedies}", _reply),
    Kind("review", "复查意见书", _l("Review (复查) opinion"), "复查", ("complaint", "decide_review"),
         ("requested_on", "reply", "superior", "remedies"),
         "　　您不服对您所反映投诉举报事项的答复意见，于{requested_on}请求复查。本机关依据《信访工作条例》"
         "第三十五条进行了复查，现提出复查意见如下：\n{reply}\n"
         "　　如您对本复查意见不服，可以自收到本复查意见书之日起三十日内向{superior}请求复核"
         "（《信访工作条例》第三十六条）。{remedies}", _reply, applies=_stage(ReviewStage.REVIEW)),
    Kind("re_review", "复核意见书", _l("Re-review (复核) opinion"), "复核", ("complaint", "decide_review"),
         ("requested_on", "reply", "remedies"),
         "　　您不服复查意见，于{requested_on}请求复核。本机关依据《信访工作条例》第三十六条进行了复核，"
         "现提出复核意见如下：\n{reply}\n"
         "　　本复核意见为最终意见。您对复核意见不服，仍以同一事实和理由提出投诉举报的，不再受理"
         "（《信访工作条例》第三十六条）。{remedies}", _reply, applies=_stage(ReviewStage.RE_REVIEW)),
]
# The enforcement track (portal/enforcement, a feature below this one): a named reporter is told in
# writing whether a case was opened (市场监督管理投诉举报处理暂行办法 art. 31).
_NAMED = lambda f: bool(getattr(f.record, "named_reporter", False))  # noqa: E731
BUILT_IN += [
    Kind("case_opened", "立案告知书", _l("Notice that a case was opened (立案)"), "立", ("enforcement_case", "open"),
         ("received_on", "decided_on", "number"),
         _OPENING + "经审查，本机关认为您举报的事项涉嫌违法，依据《中华人民共和国行政处罚法》第五十四条，已于"
         "{decided_on}决定立案调查，立案编号为{number}。本机关将依法调查处理；作出行政处罚决定并公示的，您可以凭查询码"
         "在本平台查看。依据《市场监督管理投诉举报处理暂行办法》第三十一条，现将立案情况告知您。",
         lambda f: {**_case(f), "decided_on": cn_date(f.record.decided_on), "number": f.record.number},
         applies=_NAMED, closing="特此告知。"),
    Kind("case_not_opened", "不予立案告知书", _l("Notice that no case was opened (不予立案)"), "不立",
         ("enforcement_case", "decline"), ("received_on", "decided_on", "reason"),
         _OPENING + "经审查，本机关于{decided_on}决定不予立案，理由如下：\n{reason}\n"
         "　　如您掌握新的事实或者证据，可以再次向本机关举报。依据《市场监督管理投诉举报处理暂行办法》第三十一条，"
         "现将不予立案情况告知您。",
         lambda f: {**_case(f), "decided_on": cn_date(f.record.decided_on), "reason": paragraphs(f.moved.reason)},
         applies=_NAMED, closing="特此告知。"),
]
# The replies whose preview the officer sees, and which an office may want signed off by a second officer.
REPLY_STEPS = ("conclude", "decide_review")


def register(app: Flask, kind: Kind) -> None:
    """Add a kind of notice (a feature above this one, in its `init_app`)."""
    app.extensions.setdefault("portal.notice_kinds", {})[kind.name] = kind


def registered() -> dict[str, Kind]:
    return current_app.extensions.get("portal.notice_kinds", {})


def get(name: str) -> Kind | None:
    return registered().get(name)


def for_step(object_type: str, step: str) -> list[Kind]:
    """The kinds a step issues (each still asks `applies`)."""
    return [kind for kind in registered().values() if kind.trigger == (object_type, step)]


PLACEHOLDERS = ("office_short", "year", "seq", "kind")
_TOKEN = re.compile(r"\{([a-z_]*)\}")


def pattern_problem(pattern: str) -> str | None:
    """Why a number pattern cannot be used (unknown placeholder, stray brace, no year or sequence), or None."""
    names = _TOKEN.findall(pattern)
    if any(name not in PLACEHOLDERS for name in names) or "{" in _TOKEN.sub("", pattern) \
            or "}" in _TOKEN.sub("", pattern):
        return "placeholder"
    if "year" not in names or "seq" not in names:
        return "unique"
    return None


def number(pattern: str, office_short: str, year: int, seq: int, kind: Kind) -> str:
    """The document number from a checked pattern (plain substitution, never `str.format` on the pattern)."""
    values = {"office_short": office_short, "year": str(year), "seq": str(seq), "kind": kind.code}
    return _TOKEN.sub(lambda match: values[match.group(1)], pattern)
