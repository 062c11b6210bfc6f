"""One error base: every service refusal carries a code and an HTTP status, answered once for pages and
once for the API."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from jpo.accounts.invitations import InvitationError
from jpo.accounts.services import VerificationError
from jpo.api import api
from jpo.applications.services import (
    ApplicationError,
    EndorsementError,
    IllegalTransition,
    PurgeRefused,
    StaleApplication,
)
from jpo.core.errors import DomainError
from jpo.core.tabular import ImportRefused
from jpo.demo.plan import DemoDateError
from jpo.placement.services.alumni import AlumniImportError
from jpo.programme.rules.errors import RuleSetError
from jpo.programme.services import CycleError, ReferenceDataError
from jpo.projections.model import CalibrationError
from jpo.projections.scenario import ScenarioError
from jpo.representation.calculator import CalculatorError
from jpo.representation.selectors import SnapshotUnavailable
from jpo.selection.services.errors import Conflict, NotAllowed, SelectionError
from jpo.web.backup import BackupError
from jpo.web.middleware import DomainErrorMiddleware

REFUSALS = [
    InvitationError,
    VerificationError,
    ApplicationError,
    EndorsementError,
    IllegalTransition,
    PurgeRefused,
    StaleApplication,
    DemoDateError,
    AlumniImportError,
    RuleSetError,
    CycleError,
    ReferenceDataError,
    CalibrationError,
    ScenarioError,
    CalculatorError,
    SnapshotUnavailable,
    SelectionError,
    NotAllowed,
    Conflict,
    BackupError,
    ImportRefused,
]


@pytest.mark.parametrize("cls", REFUSALS, ids=lambda c: c.__name__)
def test_every_refusal_is_a_domain_error_with_a_code_and_a_status(cls: type[DomainError]) -> None:
    assert issubclass(cls, DomainError)
    assert cls.code != DomainError.code and "." in cls.code
    assert 400 <= cls.status_code < 500


def test_statuses_say_what_went_wrong() -> None:
    assert SelectionError("x").status_code == 400
    assert NotAllowed("x").status_code == 403
    assert Conflict("x").status_code == 409
    assert StaleApplication("x").status_code == 409
    assert EndorsementError("x").status_code == 400
    assert EndorsementError("x", already_decided=True).status_code == 409


@pytest.mark.django_db
def test_a_page_answers_an_unhandled_refusal_with_its_status_and_message() -> None:
    request = RequestFactory().get("/somewhere/", HTTP_ACCEPT_LANGUAGE="en")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    middleware = DomainErrorMiddleware(lambda r: HttpResponse())
    response = middleware.process_exception(request, Conflict("The cycle was changed meanwhile."))
    assert response is not None and response.status_code == 409
    body = response.content.decode()
    assert "The cycle was changed meanwhile." in body and "Nothing was changed" in body
    assert middleware.process_exception(request, RuntimeError("boom")) is None  # not ours: a 500


def test_the_api_answers_a_refusal_with_status_message_field_and_code() -> None:
    request = RequestFactory().post("/api/anything")
    response = api.on_exception(request, ApplicationError("Too late.", field="deadline"))
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "detail": "Too late.",
        "field": "deadline",
        "code": "application.refused",
    }
    assert api.on_exception(request, NotAllowed("No.")).status_code == 403


@pytest.mark.django_db
def test_a_selector_that_finds_nothing_is_answered_with_the_404_page_and_the_api_body() -> None:
    from jpo.core.errors import NotFound
    from jpo.programme.selectors import cycle_get

    with pytest.raises(NotFound) as found:
        cycle_get(1900)
    request = RequestFactory().get("/programme/cycles/1900/", HTTP_ACCEPT_LANGUAGE="en")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    response = DomainErrorMiddleware(lambda r: HttpResponse()).process_exception(request, found.value)
    assert response is not None and response.status_code == 404
    api_response = api.on_exception(RequestFactory().get("/api/anything"), found.value)
    assert api_response.status_code == 404
    assert json.loads(api_response.content) == {
        "detail": "Not Found",
        "field": None,
        "code": "core.not_found",
    }
