"""The results release through the API: the same services and refusals as the pages, officers only."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jpo.accounts.models import Role
from jpo.applications.models import Application
from jpo.applications.workflow import Status
from jpo.selection.models import PreparedDecision, Release, ReleaseStatus
from jpo.selection.services import releases
from jpo.selection.tests.test_releases import interviewed, owner, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def api(world: dict[str, Any]) -> Client:  # noqa: F811
    client = Client()
    client.force_login(world["officer"])
    return client


def test_an_officer_prepares_schedules_reads_and_cancels_through_the_api(
    world: dict[str, Any],  # noqa: F811
    api: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    fy = world["cycle"].fiscal_year
    a, b, c = interviewed(world["cycle"], n=3, officer=world["officer"], panel=world["panel"])
    prepare = f"/api/cycles/{fy}/decisions/prepare"
    response = post(api, prepare, {"decision": "passed", "reason": "panel", "applications": [a.pk, b.pk]})
    assert response.status_code == 200 and response.json() == {"count": 2}
    response = post(api, prepare, {"decision": "not_passed", "reason": "panel", "filter": {"prepared": "no"}})
    assert response.json() == {"count": 1}
    assert dict(PreparedDecision.objects.values_list("application_id", "decision")) == {
        a.pk: "passed",
        b.pk: "passed",
        c.pk: "not_passed",
    }
    response = post(api, f"/api/cycles/{fy}/decisions/discard", {"applications": [c.pk]})
    assert response.json() == {"count": 1}

    # A time without a zone is Japan time.
    year = timezone.now().year + 1
    response = post(api, f"/api/cycles/{fy}/releases", {"release_at": f"{year}-06-01T10:00:00"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "scheduled" and body["total"] == 2 and body["cycle"] == f"FY{fy}"
    release = Release.objects.get(pk=body["id"])
    assert release.release_at == dt.datetime(year, 6, 1, 1, 0, tzinfo=dt.UTC)
    assert [r["id"] for r in api.get(f"/api/cycles/{fy}/releases").json()] == [release.pk]
    assert api.get(f"/api/releases/{release.pk}").json()["status"] == "scheduled"

    # Cancelled, scheduled again, run at its time: the record lists each e-mail.
    response = post(api, f"/api/releases/{release.pk}/cancel", {"reason": "date moved"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert post(api, f"/api/releases/{release.pk}/cancel", {"reason": "again"}).status_code == 409
    response = post(api, f"/api/cycles/{fy}/releases", {"release_at": f"{year}-06-02T10:00:00+09:00"})
    again = Release.objects.get(pk=response.json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        releases.release_execute(release_id=again.pk, now=again.release_at)
    record = api.get(f"/api/releases/{again.pk}/decisions", {"limit": 1}).json()
    assert record["count"] == 2 and len(record["items"]) == 1
    item = record["items"][0]
    assert item["state"] == "released" and item["decision"] == "passed"
    assert item["email"]["recipient"] in {owner(a).email, owner(b).email}
    assert api.get(f"/api/releases/{again.pk}").json()["status"] == ReleaseStatus.DONE
    a.refresh_from_db()
    assert a.status == Status.PASSED


def test_the_api_refuses_with_the_services_messages(world: dict[str, Any], api: Client) -> None:  # noqa: F811
    fy = world["cycle"].fiscal_year
    (a,) = interviewed(world["cycle"], n=1, officer=world["officer"], panel=world["panel"])
    prepare = f"/api/cycles/{fy}/decisions/prepare"
    # No decision (no default), both or neither of applications and filter, a decision that cannot apply.
    assert post(api, prepare, {"reason": "x", "applications": [a.pk]}).status_code == 422
    response = post(api, prepare, {"decision": "passed", "reason": "x", "applications": [a.pk], "filter": {}})
    assert response.status_code == 400 and response.json()["field"] == "applications"
    response = post(api, prepare, {"decision": "recommended", "reason": "x", "applications": [a.pk]})
    assert response.status_code == 400 and str(a.receipt_number) in response.json()["detail"]
    assert (
        post(
            api,
            "/api/cycles/1999/decisions/prepare",
            {"decision": "passed", "reason": "x", "applications": []},
        ).status_code
        == 404
    )
    response = post(api, f"/api/cycles/{fy}/releases", {"release_at": "2020-01-01T10:00:00+09:00"})
    assert response.status_code == 400 and response.json()["field"] == "release_at"
    assert not PreparedDecision.objects.exists() and not Release.objects.exists()
    # A form-encoded body: refused, not a server error.
    assert api.post(prepare, {"decision": "passed"}).status_code == 400
    assert api.get("/api/releases/999999").status_code == 404


def test_other_roles_are_refused_before_anything_is_read(
    world: dict[str, Any],  # noqa: F811
    make_user: Any,
) -> None:
    fy = world["cycle"].fiscal_year
    (a,) = interviewed(world["cycle"], n=1, officer=world["officer"], panel=world["panel"])
    for role in (Role.REVIEWER, Role.ANALYST, Role.APPLICANT):
        client = Client()
        client.force_login(make_user(role))
        body = {"decision": "passed", "reason": "x", "applications": [a.pk]}
        assert post(client, f"/api/cycles/{fy}/decisions/prepare", body).status_code == 403
        assert client.get(f"/api/cycles/{fy}/releases").status_code == 403
    assert post(Client(), f"/api/cycles/{fy}/decisions/prepare", {}).status_code == 401
    assert not PreparedDecision.objects.exists()
    assert Application.objects.get(pk=a.pk).status == Status.INTERVIEW
