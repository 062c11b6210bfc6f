from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jpo.accounts.models import AuditEvent
from jpo.projections.models import Scenario
from jpo.projections.scenario import ScenarioError
from jpo.projections.selectors import target_specs
from jpo.projections.services import scenario_delete, scenario_save, target_create
from jpo.workforce.models import Target


@pytest.mark.django_db
def test_scenario_saved_checked_and_audited(analyst: Any, loaded: None) -> None:
    scenario = scenario_save(
        actor=analyst,
        name=" Mid-career push ",
        description="",
        parameters={"mid_career_entries_per_year": 10},
    )
    assert scenario.name == "Mid-career push"
    assert scenario.parameters == {"mid_career_entries_per_year": 10.0}
    assert AuditEvent.objects.filter(
        action="projections.scenario_created", target_id=str(scenario.pk)
    ).exists()
    scenario_delete(actor=analyst, scenario=scenario)
    assert not Scenario.objects.exists()
    assert AuditEvent.objects.filter(action="projections.scenario_deleted").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"retention_rate": 2}, "retention_rate must lie between 0 and 1"),
        ({"dispatches_per_year": 80}, "today_dispatches_per_year"),  # no dispatch records in the app
    ],
)
def test_a_scenario_that_cannot_run_is_not_saved(
    analyst: Any, loaded: None, parameters: Any, message: str
) -> None:
    with pytest.raises(ScenarioError, match=message):
        scenario_save(actor=analyst, name="x", description="", parameters=parameters)
    assert not Scenario.objects.exists()


@pytest.mark.django_db
def test_target_added_beside_the_official_one(analyst: Any, loaded: None) -> None:
    target = target_create(
        actor=analyst,
        name="1,100 by 2030",
        headcount=1100,
        deadline=dt.date(2030, 12, 31),
        source_document="Study group memo, 2026",
    )
    assert target.baseline_headcount == 979 and target.baseline_date == dt.date(2024, 12, 31)
    specs = {t.name: t for t in target_specs()}
    assert specs["1,100 by 2030"].official is False
    assert specs["1,000 Japanese staff at UN-related agencies by 2025"].official is True
    assert AuditEvent.objects.filter(action="projections.target_added").exists()


@pytest.mark.django_db
def test_target_without_an_earlier_figure_is_refused(analyst: Any, loaded: None) -> None:
    with pytest.raises(ScenarioError):
        target_create(
            actor=analyst, name="old", headcount=100, deadline=dt.date(1995, 1, 1), source_document="x"
        )
    assert not Target.objects.filter(name="old").exists()
