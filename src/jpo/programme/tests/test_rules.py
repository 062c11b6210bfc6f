"""Rule sets per cycle: services, selectors, and every evaluation path using the same published rules."""

from __future__ import annotations

import copy
import datetime as dt
import json
import zoneinfo
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from jpo import policy
from jpo.accounts.models import AuditEvent
from jpo.policy.tests.test_profile import EXAMPLE
from jpo.programme.models import Cycle, RuleSet, RuleSetParameter, RuleSetStatus
from jpo.programme.rules.errors import RuleSetError
from jpo.programme.rules.selectors import (
    draft_rule_set,
    effective_rules,
    published_rule_set,
    rule_set_diff,
    rule_set_document,
    rule_set_entries,
)
from jpo.programme.rules.services import (
    rule_set_create_for_cycle,
    rule_set_load,
    rule_set_publish,
    rule_set_update_parameter,
)

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
pytestmark = pytest.mark.django_db


def _document(fiscal_year: int, **changes: Any) -> dict[str, Any]:
    parameters = copy.deepcopy(policy.history_rules(2026))
    for name, entry in changes.items():
        parameters[name] = entry
    return {"cycle": f"FY{fiscal_year}", "status": "published", "parameters": parameters}


def _known_experience() -> dict[str, Any]:
    return {"value": 24, "source": {"label": "FY2027 call", "url": "https://example.org/fy2027"}}


def test_create_for_a_known_cycle_copies_the_yaml_history_and_audits(make_user) -> None:
    officer = make_user("officer")
    cycle = Cycle.objects.create(fiscal_year=2022)
    rule_set = rule_set_create_for_cycle(cycle=cycle, actor=officer)
    assert rule_set.status == RuleSetStatus.DRAFT and rule_set.created_by == officer
    assert rule_set_entries(rule_set) == policy.history_rules(2022)
    assert rule_set.based_on == "FY2022 policy files"
    assert AuditEvent.objects.filter(action="programme.rule_set.create", target_id=str(rule_set.pk)).exists()
    with pytest.raises(RuleSetError, match="already has a draft"):
        rule_set_create_for_cycle(cycle=cycle, actor=officer)


def test_a_new_year_starts_from_the_newest_published_rules_and_shows_the_difference(make_user) -> None:
    officer = make_user("officer")
    fy2026 = Cycle.objects.create(fiscal_year=2026)
    draft = rule_set_create_for_cycle(cycle=fy2026, actor=officer)
    rule_set_update_parameter(
        rule_set=draft, name="experience_months", value=24, source_label="FY2026 call",
        source_url="https://example.org/2026", note="", actor=officer,
    )  # fmt: skip
    rule_set_publish(rule_set=draft, actor=officer, confirm_unknown=True)
    fy2027 = Cycle.objects.create(fiscal_year=2027)
    new = rule_set_create_for_cycle(cycle=fy2027, actor=officer)
    assert new.based_on == "FY2026 published rule set"
    assert rule_set_entries(new)["experience_months"]["value"] == 24
    label, diffs = rule_set_diff(new)
    assert label == "FY2026 published rule set"
    assert not any(d.changed for d in diffs)
    rule_set_update_parameter(
        rule_set=new,
        name="age_limit",
        value=34,
        source_label="FY2027 call",
        source_url="",
        note="",
        actor=officer,
    )
    changed = {d.name: d for d in rule_set_diff(new)[1] if d.changed}
    assert set(changed) == {"age_limit"}
    previous, entry = changed["age_limit"].previous, changed["age_limit"].entry
    assert previous is not None and entry is not None
    assert previous["value"] == 35 and entry["value"] == 34


def test_update_validates_and_names_the_parameter(make_user) -> None:
    officer = make_user("officer")
    rule_set = rule_set_create_for_cycle(cycle=Cycle.objects.create(fiscal_year=2027), actor=officer)
    before = rule_set_entries(rule_set)
    for name, value, fragment in [
        ("age_limit", 50, "from 18 to 45"),
        ("experience_months", 121, "from 0 to 120"),
        ("age_reference_date", {"month": 2, "day": 30}, "day 30"),
        ("age_reference_date", "2031-02-01", "within a year of the exam year 2027"),
        (
            "language_test",
            {"mandatory": True, "language": "English", "accepted_tests": ["toeic"]},
            "known tests",
        ),
    ]:
        with pytest.raises(RuleSetError) as caught:
            rule_set_update_parameter(
                rule_set=rule_set,
                name=name,
                value=value,
                source_label="x",
                source_url="",
                note="",
                actor=officer,
            )
        assert fragment in str(caught.value) and name in caught.value.problems
    with pytest.raises(RuleSetError, match="web address"):
        rule_set_update_parameter(
            rule_set=rule_set, name="age_limit", value=35, source_label="x", source_url="javascript:alert(1)",
            note="", actor=officer,
        )  # fmt: skip
    assert rule_set_entries(rule_set) == before


def test_update_keeps_exceptions_and_audits_old_and_new(make_user) -> None:
    officer = make_user("officer")
    rule_set = rule_set_create_for_cycle(cycle=Cycle.objects.create(fiscal_year=2022), actor=officer)
    row = rule_set_update_parameter(
        rule_set=rule_set, name="degree_deadline", value={"month": 8, "day": 31}, source_label="call",
        source_url="https://example.org/call", note="moved", actor=officer,
    )  # fmt: skip
    assert row.exceptions == {"UNDP": {"month": 3, "day": 31}}
    event = AuditEvent.objects.get(action="programme.rule_set.parameter")
    assert event.data["old"]["value"] == {"month": 7, "day": 31}
    assert event.data["new"]["value"] == {"month": 8, "day": 31}
    assert row.history.count() == 2  # created, then changed


def test_a_reason_is_required_once_the_window_has_opened(make_user) -> None:
    officer = make_user("officer")
    cycle = Cycle.objects.create(
        fiscal_year=2027,
        applications_open=timezone.now() - dt.timedelta(days=1),
        applications_close=timezone.now() + dt.timedelta(days=20),
    )
    rule_set = rule_set_create_for_cycle(cycle=cycle, actor=officer)
    with pytest.raises(RuleSetError, match="a reason is required"):
        rule_set_update_parameter(
            rule_set=rule_set,
            name="age_limit",
            value=34,
            source_label="",
            source_url="",
            note="",
            actor=officer,
        )
    rule_set_update_parameter(
        rule_set=rule_set, name="age_limit", value=34, source_label="", source_url="", note="",
        actor=officer, reason="corrected after the call was amended",
    )  # fmt: skip
    event = AuditEvent.objects.get(action="programme.rule_set.parameter")
    assert event.data["reason"] == "corrected after the call was amended"


def test_publish_refuses_unknown_criteria_unless_confirmed_and_keeps_the_old_version(make_user) -> None:
    officer = make_user("officer")
    cycle = Cycle.objects.create(fiscal_year=2027)
    draft = rule_set_create_for_cycle(cycle=cycle, actor=officer)
    with pytest.raises(RuleSetError) as caught:
        rule_set_publish(rule_set=draft, actor=officer)
    assert set(caught.value.unknown) == {
        "age_reference_date", "degree_deadline", "experience_months", "experience_deadline"
    }  # fmt: skip
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.DRAFT
    first = rule_set_publish(rule_set=draft, actor=officer, confirm_unknown=True)
    assert first.status == RuleSetStatus.PUBLISHED and first.published_by == officer
    assert first.unknown_confirmed and published_rule_set(cycle) == first
    with pytest.raises(RuleSetError, match="only a draft can be changed"):
        rule_set_update_parameter(
            rule_set=first, name="age_limit", value=34, source_label="", source_url="", note="", actor=officer
        )
    second = rule_set_create_for_cycle(cycle=cycle, actor=officer)
    assert rule_set_entries(second) == rule_set_entries(first)
    for name, value in [
        ("experience_months", 24),
        ("age_reference_date", {"month": 2, "day": 1}),
        ("degree_deadline", {"month": 7, "day": 31}),
        ("experience_deadline", {"month": 7, "day": 31}),
    ]:
        rule_set_update_parameter(
            rule_set=second,
            name=name,
            value=value,
            source_label="FY2027 call",
            source_url="",
            note="",
            actor=officer,
        )
    rule_set_publish(rule_set=second, actor=officer)
    first.refresh_from_db()
    assert first.status == RuleSetStatus.SUPERSEDED  # kept, no longer governing
    governing = published_rule_set(cycle)
    assert governing is not None and governing.pk == second.pk
    assert list(
        AuditEvent.objects.filter(action="programme.rule_set.status").values_list("data__to", flat=True)
    ) == ["published", "superseded", "published"]
    with pytest.raises(RuleSetError, match="only a draft can be published"):
        rule_set_publish(rule_set=first, actor=officer)


def test_one_draft_and_one_published_per_cycle_in_the_database() -> None:
    cycle = Cycle.objects.create(fiscal_year=2027)
    RuleSet.objects.create(cycle=cycle, status=RuleSetStatus.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.create(cycle=cycle, status=RuleSetStatus.DRAFT)


def test_load_creates_the_cycle_and_replaces_the_draft(make_user) -> None:
    officer = make_user("officer")
    rule_set = rule_set_load(data=_document(2027), actor=officer)
    cycle = Cycle.objects.get(fiscal_year=2027)
    assert rule_set.cycle == cycle and rule_set.status == RuleSetStatus.DRAFT
    assert rule_set_entries(rule_set) == policy.history_rules(2026)
    again = rule_set_load(data=_document(2027, experience_months=_known_experience()), actor=officer)
    assert again.pk == rule_set.pk and RuleSet.objects.count() == 1
    assert rule_set_entries(again)["experience_months"]["value"] == 24
    assert AuditEvent.objects.filter(action="programme.rule_set.replace").get().data["changed"] == [
        "experience_months"
    ]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"cycle": "2027"}, "not a cycle code"),
        ({"parameters": []}, "parameters: expected a mapping"),
        ({"colour": "red"}, "unexpected keys: colour"),
    ],
)
def test_load_refuses_a_bad_document_and_writes_nothing(change: dict[str, Any], fragment: str) -> None:
    with pytest.raises(RuleSetError, match=fragment):
        rule_set_load(data={**_document(2027), **change}, actor=None)
    assert not Cycle.objects.exists() and not RuleSet.objects.exists()


def test_load_names_every_bad_parameter() -> None:
    document = _document(2027, age_limit={"value": 60}, shoe_size={"value": 42})
    del document["parameters"]["nationality"]
    with pytest.raises(RuleSetError) as caught:
        rule_set_load(data=document, actor=None)
    assert set(caught.value.problems) == {"age_limit", "shoe_size", "nationality"}
    assert "missing: nationality" in str(caught.value)
    assert not RuleSet.objects.exists() and not RuleSetParameter.objects.exists()


def test_document_status_and_round_trip() -> None:
    assert rule_set_document("FY2026")["status"] == "history"
    with pytest.raises(RuleSetError, match="FY2031 has no rule set"):
        rule_set_document("FY2031")
    shown = rule_set_document("FY2026")
    shown["cycle"] = "FY2027"
    draft = rule_set_load(data=shown, actor=None)
    assert rule_set_document("FY2027")["status"] == "draft"
    rule_set_publish(rule_set=draft, actor=None, confirm_unknown=True)
    again = rule_set_document("FY2027")
    assert again["status"] == "published"
    assert again["parameters"] == shown["parameters"]


def test_effective_rules_carry_the_cycle_window_and_change_on_publish(make_user) -> None:
    officer = make_user("officer")
    cycle = Cycle.objects.create(
        fiscal_year=2027,
        applications_open=dt.datetime(2027, 2, 1, 10, tzinfo=TOKYO),
        applications_close=dt.datetime(2027, 3, 3, 18, tzinfo=TOKYO),
    )
    assert effective_rules(cycle) is None
    with pytest.raises(policy.UnknownCycleError):
        policy.evaluate(EXAMPLE, "FY2027", rules=effective_rules(cycle))
    rule_set_load(data=_document(2027, experience_months=_known_experience()), actor=officer)
    assert effective_rules("FY2027") is None  # a draft governs nothing
    draft = draft_rule_set(cycle)
    assert draft is not None
    rule_set_publish(rule_set=draft, actor=officer, confirm_unknown=True)
    overlay = effective_rules("FY2027")
    assert overlay is not None and overlay.applications == (dt.date(2027, 2, 1), dt.date(2027, 3, 3))
    assert effective_rules(cycle) == overlay and effective_rules(2027) == overlay
    decision = policy.evaluate(EXAMPLE, "FY2027", rules=overlay)
    assert decision.criterion("experience").outcome == "passed"
    assert "1 February 2027 to 3 March 2027" in decision.criterion("language").message["en"]


def test_the_api_uses_the_published_rule_set(client: Client, make_user) -> None:
    url = "/api/eligibility?cycle=FY2027"
    assert client.post(url, json.dumps(EXAMPLE), content_type="application/json").status_code == 404
    rule_set = rule_set_load(data=_document(2027, experience_months=_known_experience()), actor=None)
    rule_set_publish(rule_set=rule_set, actor=None, confirm_unknown=True)
    response = client.post(url, json.dumps(EXAMPLE), content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert data["cycle"] == "FY2027"
    overlay = effective_rules("FY2027")
    assert overlay is not None and data["rules_version"] == overlay.version
    assert next(c for c in data["criteria"] if c["id"] == "experience")["outcome"] == "passed"
    # A published rule set for a cycle the files know governs it too.
    strict = _document(2022, age_limit={"value": 30, "source": {"label": "test", "url": None}})
    rule_set_publish(rule_set=rule_set_load(data=strict, actor=None), actor=None, confirm_unknown=True)
    data = client.post(
        "/api/eligibility?cycle=FY2022", json.dumps(EXAMPLE), content_type="application/json"
    ).json()
    assert data["eligible"] is False
