"""The Chinese words officials use (docs/domain.md, "Glossary"): the zh_CN catalogue and the Chinese
written in code and templates keep to them, so a stray 受理编号 or 回执码 fails the build."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.config import PROJECT_ROOT

CATALOGUE = PROJECT_ROOT / "translations" / "zh_CN" / "LC_MESSAGES" / "messages.po"
CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"

# Each forbidden variant, the word meant instead, and why.
FORBIDDEN = {
    # A case number is issued at registration: most cases are not accepted (受理) yet.
    "受理编号": re.compile("受理编号"),
    # One name for the one secret a reporter keeps.
    "查询码, not 回执码 and the like": re.compile("回执码|收据码|回执号|回执编号|查询密码|凭证码|取件码"),
    # The custodian is 举报人信息保管员; "身份保管人", "保管人" alone are other names for the role.
    "举报人信息保管员": re.compile("保管人|(?<!举报人信息)保管员"),
    # 投诉举报人 throughout; 被举报人 (the person reported) is another person and allowed.
    "投诉举报人": re.compile("(?<![被投诉])举报人(?!信息保管员)|(?<!被)投诉人"),
    # Brackets in Chinese text are full-width.
    "full-width brackets": re.compile(f"[{CJK}]\\s*[()]|[()]\\s*[{CJK}]|\\([^()]*[{CJK}][^()]*\\)"),
}

# English messages whose Chinese is fixed by the glossary.
REQUIRED = {
    (None, "Receipt code"): "查询码",
    (None, "Case number"): "投诉举报编号",
    (None, "Identity custodian"): "举报人信息保管员",
    (None, "Publication review"): "公示审核",
    (None, "Waiting for publication review"): "待公示审核",
    (None, "Not listed"): "不予列入",  # a dropped blacklist proposal
    ("penalty", "Suspension of permits or licences"): "暂扣许可证件",
    ("penalty", "Revocation of permits or licences"): "吊销许可证件",
    ("licence state", "Licence suspended"): "办学许可证已暂扣",
    ("licence state", "Licence revoked"): "办学许可证已吊销",
}


def _catalogue() -> list[tuple[str | None, str, str]]:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    found = []
    for message in catalogue:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        found += [(message.context, english, text) for text in strings if text]
    return found


@pytest.mark.parametrize("word", list(FORBIDDEN))
def test_the_catalogue_uses_the_glossary_words(word):
    wrong = [f"{english!r} → {text}" for _, english, text in _catalogue() if FORBIDDEN[word].search(text)]
    assert wrong == [], f"use {word}"


def test_the_glossary_checks_can_fail():
    """Each check finds the variant it is written for, and lets the agreed word through."""
    samples = {"受理编号": ("受理编号 %(number)s", "投诉举报编号 %(number)s"),
               "查询码, not 回执码 and the like": ("请输入回执码", "请输入回执上的查询码"),
               "举报人信息保管员": ("由身份保管人审批", "由举报人信息保管员审批"),
               "投诉举报人": ("举报人评价", "投诉举报人评价；被举报人"),
               "full-width brackets": ("所属区县(代码)", "所属区县（代码） %(name)s (GB/T 2260)")}
    for word, (wrong, right) in samples.items():
        assert FORBIDDEN[word].search(wrong) and not FORBIDDEN[word].search(right), word


def test_fixed_terms_have_their_glossary_chinese():
    strings = {(context, english): text for context, english, text in _catalogue()}
    assert {key: strings.get(key) for key in REQUIRED} == REQUIRED


def test_legal_review_is_only_the_review_before_a_penalty_decision():
    """法制审核 names the legal review of a decision (or the role that makes it), never the check
    before publishing a disclosure, a typical case or a blacklist entry (公示审核 / 审核)."""
    wrong = [english for _, english, text in _catalogue()
             if "法制审核" in text and not re.search(r"[Ll]egal review|legality", english)]
    assert wrong == []


def _source_files() -> list[Path]:
    files = [*(PROJECT_ROOT / "portal").rglob("*.py"), *(PROJECT_ROOT / "templates").rglob("*.html"),
             *(PROJECT_ROOT / "templates").rglob("*.txt")]
    assert len(files) > 100
    return files


def test_chinese_written_in_code_and_templates_uses_the_glossary_words():
    words = {word: pattern for word, pattern in FORBIDDEN.items() if word != "full-width brackets"}
    wrong = []
    for path in _source_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            wrong += [f"{path.relative_to(PROJECT_ROOT)}:{number} ({word})"
                      for word, pattern in words.items() if pattern.search(line)]
    assert wrong == []
