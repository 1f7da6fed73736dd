"""Blacklist entries in tests: proposed through the service, moved on through the entry's page."""
from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.accounts.models import User
from portal.blacklist import service
from portal.blacklist.models import BlacklistEntry, BlacklistReason
from portal.extensions import db
from portal.institutions.models import InstitutionKind
from tests.support.forms import hidden


def entry_data(**overrides) -> service.EntryData:
    """An unlicensed subject-training centre in 西湖区; any field may be overridden."""
    values = dict(region_code="330106", name="西湖向日葵培训中心", training_type=InstitutionKind.SUBJECT,
                  reason=BlacklistReason.UNLICENSED, facts="未取得办学许可证开展学科类培训。",
                  authority_name="杭州市西湖区教育局", address="杭州市西湖区文三路100号")
    values.update(overrides)
    return service.EntryData(**values)


def propose_entry(user: User, **overrides) -> BlacklistEntry:
    """A proposal stored through the service."""
    return service.propose(user, entry_data(**overrides))


def post_step(client: FlaskClient, entry_id: int, step: str, **fields) -> TestResponse:
    """Post a step as the entry's page would, with the state the entry is in now."""
    page = client.get(f"/staff/blacklist/{entry_id}").get_data(as_text=True)
    with client.application.app_context():
        state = db.session.get(BlacklistEntry, entry_id).state.value
    data = {"csrf_token": hidden(page, "csrf_token"), "step": step, f"{step}-state": state,
            f"{step}-csrf_token": hidden(page, "csrf_token")}
    data.update({f"{step}-{key}": value for key, value in fields.items()})
    return client.post(f"/staff/blacklist/{entry_id}/step?lang=en", data=data)
