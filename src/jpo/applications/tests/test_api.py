"""`POST /api/eligibility?cycle=...`: public, stores nothing, same JSON as the CLI."""

from __future__ import annotations

import copy
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jpo.policy.tests.test_profile import EXAMPLE

# The published rule set of a cycle (database) governs its evaluation: every path reads it.
pytestmark = pytest.mark.django_db

URL = "/api/eligibility"


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)  # anonymous, with CSRF enforced: the endpoint must still answer


def _post(client: Client, body: Any, query: str = "?cycle=FY2022") -> Any:
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL + query, payload, content_type="application/json")


@pytest.mark.django_db
def test_anonymous_self_check_eligible_and_stores_nothing(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = _post(client, EXAMPLE)
    assert response.status_code == 200
    data = response.json()
    assert data["cycle"] == "FY2022" and data["eligible"] is True and data["outcome"] == "eligible"
    assert [c["outcome"] for c in data["criteria"]] == ["passed"] * 7
    # The only write allowed is the shared throttle's count for the caller's address: nothing about the person.
    writes = [
        q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert [
        sql for sql in writes if "SAVEPOINT" not in sql.upper() and "accounts_throttlecount" not in sql
    ] == []


def test_same_json_as_the_cli(client: Client, tmp_path: Any) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("eligibility", str(path), "--cycle", "FY2018", "--format", "json", stdout=out)
    assert _post(client, EXAMPLE, "?cycle=FY2018").json() == json.loads(out.getvalue())


def test_failed_and_needs_review(client: Client) -> None:
    failed = _post(client, EXAMPLE, "?cycle=FY2018").json()
    assert failed["eligible"] is False and failed["outcome"] == "not_eligible"
    review = _post(client, {**copy.deepcopy(EXAMPLE), "birth_date": "1983-03-01"}, "?cycle=FY2019").json()
    assert review["outcome"] == "needs_review"
    age = next(c for c in review["criteria"] if c["id"] == "age")
    assert age["outcome"] == "needs_review" and "1 February 2019" in age["message"]["en"]


@pytest.mark.parametrize(
    ("body", "query", "status", "field", "needle"),
    [
        ("{not json", "?cycle=FY2022", 400, "body", "invalid JSON at line 1"),
        ("[1, 2]", "?cycle=FY2022", 400, "body", "expected a JSON object"),
        ("", "?cycle=FY2022", 400, "body", "expected a JSON object"),
        ("EXAMPLE", "", 422, "cycle", "cycle: missing"),
        ("EXAMPLE", "?cycle=2022", 422, "cycle", "not a cycle code"),
        ("EXAMPLE", "?cycle=FY2040", 404, "cycle", "unknown cycle FY2040"),
        ("NO_BIRTH", "?cycle=FY2022", 422, "birth_date", "birth_date: missing"),
        ("BAD_DATE", "?cycle=FY2022", 422, "degrees[1].expected", "not a date (2022-02-30)"),
        ("BAD_TYPE", "?cycle=FY2022", 422, "employment[0].type", "not one of full_time"),
    ],
)
def test_bad_input_names_the_field(
    client: Client, body: str, query: str, status: int, field: str, needle: str
) -> None:
    bad_date = copy.deepcopy(EXAMPLE)
    bad_date["degrees"][1]["expected"] = "2022-02-30"
    bad_type = copy.deepcopy(EXAMPLE)
    bad_type["employment"][0]["type"] = "contract"
    bodies = {
        "EXAMPLE": EXAMPLE,
        "NO_BIRTH": {k: v for k, v in EXAMPLE.items() if k != "birth_date"},
        "BAD_DATE": bad_date,
        "BAD_TYPE": bad_type,
    }
    response = _post(client, bodies.get(body, body), query)
    assert response.status_code == status
    data = response.json()
    assert data["field"] == field
    assert needle in data["detail"]


def test_openapi_schema_documents_the_endpoint(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/eligibility"]["post"]
    assert operation["operationId"] == "eligibility_check"
    assert [p["name"] for p in operation["parameters"]] == ["cycle"]
    assert "query parameter" in operation["description"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "birth_date" in body["required"] and "$ref" not in json.dumps(body)
    assert body["properties"]["employment"]["items"]["properties"]["type"]["enum"] == [
        "full_time",
        "part_time",
        "internship",
    ]
    assert {"200", "400", "404", "422"} <= set(operation["responses"])
    assert not operation.get("security")  # public


# --- limits: each of these answered 500 (or passed) before ---------------------------------------------


@pytest.mark.parametrize(
    ("raw", "field", "needle"),
    [
        ('{"a": ' + "[" * 5000 + "]" * 5000 + "}", "body", "nested more than 20 levels deep"),
        ('{"birth_date": ' + "9" * 5000 + "}", "body", "a number with more than 18 digits"),
        (json.dumps(EXAMPLE).replace('"score": 105', '"score": NaN'), "body", "NaN is not a number"),
        (json.dumps(EXAMPLE).replace('"score": 105', '"score": Infinity'), "body", "Infinity is not"),
        (json.dumps(EXAMPLE).replace('"score": 105', '"score": 1e999'), "body", "out of range"),
        (json.dumps(EXAMPLE).replace('"JP"', '"J\\u0000"'), "nationalities[0]", "contains a NUL character"),
    ],
)
def test_json_outside_the_limits_is_400_naming_the_problem(
    client: Client, raw: str, field: str, needle: str
) -> None:
    response = _post(client, raw)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert needle in response.json()["detail"]


def test_a_body_over_the_anonymous_limit_is_413_before_it_is_read(client: Client) -> None:
    response = _post(client, {**EXAMPLE, "padding": "x" * 3_000_000})
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is larger than the limit of 512 KB.", "field": "body"}


@pytest.mark.django_db
def test_a_body_over_the_memory_limit_is_413_for_signed_in_users_too(
    client: Client, django_user_model: Any
) -> None:
    # a signed-in officer may upload 200 MB files, so the middleware lets this through; Django's
    # DATA_UPLOAD_MAX_MEMORY_SIZE then refuses the JSON body, which answered 500 before
    officer = django_user_model.objects.create_user(username="o", password="x" * 12, role="officer")
    client.force_login(officer)
    response = _post(client, {**EXAMPLE, "padding": "x" * 3_000_000})
    assert response.status_code == 413
    assert response.json()["field"] == "body"


@pytest.mark.parametrize("cycle", ["FY²⁰²²", "FY" + "9" * 5000])
def test_odd_cycle_codes_are_422(client: Client, cycle: str) -> None:
    # superscript digits passed str.isdigit() and crashed int(): a 500
    response = _post(client, EXAMPLE, f"?cycle={cycle}")
    assert response.status_code == 422 and response.json()["field"] == "cycle"


def test_openapi_schema_has_no_repeated_keys(client: Client) -> None:
    # The docs page (Swagger UI) reads the schema as YAML and refuses it whole on a repeated key.
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in items]
        repeated.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    json.loads(client.get("/api/openapi.json").content, object_pairs_hook=pairs)
    assert repeated == []
