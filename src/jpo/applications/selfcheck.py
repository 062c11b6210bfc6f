"""The eligibility self-check: the application's data as a `jpo.policy` profile, and the engine's answer.

The profile has the shape of the `jpo eligibility` JSON profile (docs/operators.md), so the portal,
the CLI and the API judge the same facts the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jpo.applications.models import Application


@dataclass
class CheckResult:
    available: bool
    eligible: bool = False
    needs_review: bool = False
    rules_version: str = ""
    criteria: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [c for c in self.criteria if c["outcome"] == "failed"]


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _score(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def application_profile(application: Application) -> dict[str, Any]:
    applicant = application.applicant
    degrees = []
    for degree in application.degrees.all():
        row: dict[str, Any] = {"level": degree.level, "field": degree.field}
        if degree.awarded is not None:
            row["awarded"] = _iso(degree.awarded)
        else:
            row["expected"] = _iso(degree.expected)
        degrees.append(row)
    return {
        "birth_date": _iso(applicant.birth_date),
        "nationalities": list(applicant.nationalities or []),
        "degrees": degrees,
        "employment": [
            {"start": _iso(p.start), "end": _iso(p.end), "type": p.type, "sector": p.sector}
            for p in application.employment.all()
        ],
        "language_tests": [
            {"test": t.test, "score": _score(t.score), "taken": _iso(t.taken)}
            for t in application.language_tests.all()
        ],
        "national_civil_servant": application.is_civil_servant,
        "former_jpo": application.former_jpo,
        "international_organization_staff": application.international_organization_staff,
    }


def run(application: Application) -> CheckResult:
    """Evaluate the application against its cycle's rules; never raises for bad or missing data."""
    from jpo.policy import Profile, ProfileError, UnknownCycleError, evaluate
    from jpo.programme.rules.selectors import effective_rules

    profile_data = application_profile(application)
    try:
        profile = Profile.from_dict(profile_data)
        # The cycle's published rule set governs (else the policy files), as in screening and the API.
        decision = evaluate(profile, application.cycle.code, rules=effective_rules(application.cycle))
    except ProfileError as error:
        return CheckResult(
            available=False, error=_("The self-check cannot run yet: %(why)s") % {"why": error}
        )
    except UnknownCycleError:  # a new cycle whose rules the officer has not published yet
        return CheckResult(
            available=False,
            error=_("The eligibility rules of %(cycle)s are not published yet.")
            % {"cycle": application.cycle.code},
        )
    except (KeyError, LookupError, ValueError) as error:
        return CheckResult(available=False, error=_("The self-check cannot run: %(why)s") % {"why": error})
    criteria = [
        {"id": c.id, "outcome": str(c.outcome), "message": dict(c.message)} for c in decision.criteria
    ]
    return CheckResult(
        available=True,
        eligible=bool(decision.eligible),
        needs_review=any(c["outcome"] == "needs_review" for c in criteria),
        rules_version=decision.rules_version,
        criteria=criteria,
    )
