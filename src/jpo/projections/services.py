"""Writes of the projections app: saved scenarios, and targets an analyst adds beside the official one."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.projections import engine
from jpo.projections.model import CalibrationError
from jpo.projections.models import Scenario
from jpo.projections.scenario import ScenarioError, parse
from jpo.projections.selectors import projection_inputs, published_series
from jpo.workforce.models import Category, CensusSource, Grade, Target

CHECK_PATHS = 200  # enough to run every step of the model once when a scenario is saved


def scenario_check(*, parameters: dict[str, object]) -> dict[str, object]:
    """The stated levers, checked by the same parser as the command line and run once on today's data, so a
    saved scenario always projects. Raises ScenarioError naming what is wrong."""
    spec = parse(parameters)
    inputs = projection_inputs()
    try:
        engine.project(inputs, spec, until=inputs.last.year + 1, paths=CHECK_PATHS)
    except CalibrationError as error:
        raise ScenarioError(str(error)) from None
    return spec.stated()


@transaction.atomic
def scenario_save(
    *,
    actor: User | None,
    name: str,
    description: str,
    parameters: dict[str, object],
    scenario: Scenario | None = None,
) -> Scenario:
    stated = scenario_check(parameters=parameters)
    if scenario is None:
        scenario = Scenario(created_by=actor)
        action = "projections.scenario_created"
    else:
        action = "projections.scenario_changed"
    scenario.name = name.strip()
    scenario.description = description.strip()
    scenario.parameters = stated
    scenario.save()
    audit_record(
        actor=actor, action=action, target=scenario, data={"name": scenario.name, "parameters": stated}
    )
    return scenario


@transaction.atomic
def scenario_delete(*, actor: User | None, scenario: Scenario) -> None:
    audit_record(
        actor=actor, action="projections.scenario_deleted", target=scenario, data={"name": scenario.name}
    )
    scenario.delete()


def _unique_slug(name: str) -> str:
    base = ("analyst-" + slugify(name))[:34].rstrip("-") or "analyst"
    slug, n = base, 1
    while Target.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def target_create(
    *, actor: User | None, name: str, headcount: int, deadline: dt.date, source_document: str
) -> Target:
    """A target beside the official one, measured on the same series (MOFA, professional and higher posts).

    Its baseline is the latest published figure before the deadline, so progress is shown from real data.
    """
    before = [p for p in published_series() if p.date < deadline]
    if not before:
        raise ScenarioError(_("No published figure comes before this deadline to serve as the baseline."))
    baseline = before[-1]
    target = Target.objects.create(
        name=name.strip(),
        slug=_unique_slug(name),
        headcount=headcount,
        deadline=deadline,
        deadline_label=deadline.isoformat(),
        baseline_headcount=baseline.headcount,
        baseline_date=baseline.date,
        baseline_label=baseline.label,
        scope=_("Japanese staff in professional and higher posts (MOFA count); added by an analyst"),
        source=CensusSource.MOFA,
        category=Category.PROFESSIONAL_HIGHER,
        nationality="JPN",
        grade=Grade.ALL,
        source_document=source_document.strip(),
        citation=source_document.strip(),
        is_active=True,
    )
    audit_record(
        actor=actor,
        action="projections.target_added",
        target=target,
        data={"name": target.name, "headcount": headcount, "deadline": deadline.isoformat()},
    )
    return target
