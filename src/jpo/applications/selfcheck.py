"""The eligibility self-check: the application's data as a `jpo.policy` profile, and the engine's answer.

The profile is `selectors.application_profile`: the facts bulk screening judges, read the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jpo.applications.models import Application
from jpo.applications.selectors import application_profile


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
