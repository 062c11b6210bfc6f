"""Property-based API testing with schemathesis against /api/openapi.json: every operation, with bodies
and parameters generated from the schema (valid and invalid), anonymous and as a signed-in officer.
No answer may be a 5xx, and every answer must match the schema (status, content type, body).

Bounded (few examples per operation, derandomized) so it adds seconds, not minutes, to the suite; it
runs on whichever database the suite runs on (SQLite, or PostgreSQL with DATABASE_URL).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection, positive_data_acceptance

from jpo.accounts.models import Role, User

pytestmark = pytest.mark.django_db

EXAMPLES = 20


def _load_schema() -> Any:
    from jpo.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


schema = _load_schema()


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    """Requests go straight to the WSGI application, whose end-of-request signal would close the
    database connection holding the test's transaction; Django's own test client detaches it too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def officer_cookies(db: Any, settings: Any, _keep_the_test_connection: None) -> dict[str, str]:
    # Hundreds of requests from one address: raise every throttle (the public eligibility API has one).
    settings.JPO_THROTTLES = {
        scope: (10**9, seconds) for scope, (_n, seconds) in settings.JPO_THROTTLES.items()
    }
    from jpo.workforce.services import workforce_load_reference_data

    workforce_load_reference_data()  # real series and targets for the read-only workforce API
    officer = User.objects.create_user(username="officer", password="x" * 12, role=Role.OFFICER)
    client = Client()
    client.force_login(officer)
    return {name: morsel.value for name, morsel in client.cookies.items()}


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_server_error_and_answers_match_the_schema(case: Any, officer_cookies: dict[str, str]) -> None:
    # Every check but "schema-valid data is accepted": the eligibility profile has rules no JSON schema
    # states (a two-letter country code, an end after the start, a known cycle), answered 422 as documented.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])  # anonymous or generated credentials
    # Signed in as an officer: the session cookie replaces the generated (invalid) credentials, so the
    # checks that expect those to be refused do not apply.
    case.call_and_validate(
        cookies=officer_cookies,
        excluded_checks=[positive_data_acceptance, negative_data_rejection, ignored_auth],
    )
