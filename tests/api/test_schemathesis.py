"""schemathesis runs the whole OpenAPI document against the app: every operation, with data that
fits the schema and data that does not. No answer may be a server error, an undocumented status
or content type, or a body that breaks the documented schema; invalid data must be refused."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from portal.api import openapi

CONFIG = SchemathesisConfig.from_dict({
    "generation": {"mode": "all", "max-examples": 100, "deterministic": True},
    "checks": {
        # Valid-looking complaints are often refused for reasons a schema cannot say (an area
        # code that does not exist, a date in the future), so 2xx is not required for them.
        "positive_data_acceptance": {"enabled": False},
    },
})

# The document is built without an app; each case is sent to the test's app over WSGI.
schema = schemathesis.openapi.from_dict(openapi.document(), config=CONFIG)


@pytest.fixture
def relaxed_limits(app):
    """Limits would turn most generated complaints into 429s; they have their own tests."""
    names = ("LIMIT_COMPLAINT_SUBMIT", "LIMIT_COMPLAINT_POST", "LIMIT_RECEIPT_LOOKUP")
    saved = {name: app.config[name] for name in names}
    app.config.update(dict.fromkeys(names, "100000 per minute"))
    yield app
    app.config.update(saved)


@pytest.mark.slow  # generated cases for every operation
@schema.parametrize()
# One app (and one rolled-back transaction) serves all of an operation's generated cases.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
def test_the_api_keeps_its_document(case, relaxed_limits):
    case.call_and_validate(app=relaxed_limits)
