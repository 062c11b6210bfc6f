"""Screening evaluates under the cycle's published rule set, and re-screens when it changes."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from jpo.policy import history_rules, rules_version
from jpo.programme.rules.selectors import effective_rules
from jpo.programme.rules.services import rule_set_load, rule_set_publish
from jpo.selection.models import Screening
from jpo.selection.services import screening

pytestmark = pytest.mark.django_db


def _publish(fiscal_year: int, **changes: Any) -> None:
    parameters = copy.deepcopy(history_rules(fiscal_year))
    parameters.update(changes)
    document = {"cycle": f"FY{fiscal_year}", "parameters": parameters}
    rule_set_publish(rule_set=rule_set_load(data=document, actor=None), actor=None, confirm_unknown=True)


def test_screening_follows_the_published_rule_set(make_submitted: Any, cycle: Any) -> None:
    application = make_submitted()
    screening.cycle_screen(cycle=cycle)
    first = Screening.objects.get(application=application)
    assert first.rules_version == rules_version()
    assert first.criteria.get(criterion="experience").outcome == "needs_review"

    _publish(2026, experience_months={"value": 24, "source": {"label": "FY2026 call", "url": None}})
    assert screening.cycle_screen(cycle=cycle) == {"total": 1, "changed": 1}
    again = Screening.objects.get(application=application)
    overlay = effective_rules(cycle)
    assert overlay is not None and again.rules_version == overlay.version != rules_version()
    assert again.criteria.get(criterion="experience").outcome != "needs_review"
    assert screening.cycle_screen(cycle=cycle) == {"total": 1, "changed": 0}  # same rules: idempotent
