"""Typical cases in tests: drafts stored through the service."""
from __future__ import annotations

import datetime as dt

from portal import clock
from portal.accounts.models import User
from portal.typical import service
from portal.typical.models import TypicalCase

# Markdown with a script link, which the sanitiser must drop.
BODY = "## 案情\n\n某机构以**家政服务**名义开展学科类培训。\n\n[恶意链接](javascript:alert(document.cookie))"


def data(**overrides) -> service.DraftData:
    """A typical case of 西湖区 three days old; any field may be overridden."""
    values = dict(region_code="330106", case_date=clock.today() - dt.timedelta(days=3),
                  title="以家政名义开展学科类培训被查处（测试）", summary="测试摘要。", body_source=BODY)
    values.update(overrides)
    return service.DraftData(**values)


def draft_case(user: User, **overrides) -> TypicalCase:
    """A draft stored through the service."""
    return service.save_draft(user, data(**overrides))
