"""The applications API. `POST /api/eligibility?cycle=FY2022`: the public eligibility self-check."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import ngettext
from ninja import Router, Status

from jpo.accounts.throttle import rate, throttled
from jpo.applications.schemas import DecisionOut, ErrorOut, ProfileIn, inline_json_schema
from jpo.policy import CycleFormatError, ProfileError, UnknownCycleError, evaluate
from jpo.programme.rules.selectors import effective_rules
from jpo.safety.jsonio import JSONInputError, load_json

router = Router(tags=["applications"])

ELIGIBILITY_DESCRIPTION = """
Checks an applicant profile against the eligibility rules of one cycle, exactly as
`jpo eligibility PROFILE.json --cycle FY2022 --format json` does, and returns the same JSON.

- The cycle is the **query parameter** `cycle` (`FY2005` to `FY2026` from the policy files, and any
  cycle whose rule set an officer has published); the body is the profile (JSON). A cycle's published
  rule set governs it, as in screening and the portal.
- Public (no login) and stores nothing.
- Each criterion (`nationality`, `age`, `degree`, `experience`, `language`, `prior_service`,
  `civil_servant`) is `passed`, `failed` or `needs_review` (a fact the rule needs is not known for that
  cycle and the answer depends on it), with a message in English and Japanese, the value that applied
  and its source. `eligible` is true when every criterion passed, false when one failed, and null when
  none failed but some need review.
- Errors: `400` body is not a JSON object (or is over 1 MB, nested more than 20 levels deep, holds
  `NaN`, `Infinity`, a number out of range or a NUL character); `413` a request over the size limit;
  `422` a missing or malformed field (`field` names it, e.g. `degrees[1].awarded`) or a malformed
  cycle; `404` a cycle the rules do not cover; `429` too many requests from one address in a short
  time (the message says how long to wait, in the language of `Accept-Language`).
""".strip()


def _error(field: str | None, detail: str) -> dict[str, Any]:
    return {"detail": detail, "field": field}


@router.post(
    "/eligibility",
    auth=None,
    response={200: DecisionOut, 400: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Eligibility self-check",
    description=ELIGIBILITY_DESCRIPTION,
    operation_id="eligibility_check",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline_json_schema(ProfileIn)}},
        }
    },
)
def eligibility(request: HttpRequest, cycle: str) -> Status[dict[str, Any]]:
    if throttled(request, "eligibility"):
        minutes = max(1, -(-rate("eligibility")[1] // 60))
        message = ngettext(
            "Too many requests came from your address in a short time. Wait %(minutes)s minute and try again.",
            "Too many requests came from your address in a short time. Wait %(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes}
        return Status(429, _error(None, message))
    if not cycle:
        return Status(422, _error("cycle", "cycle: missing (a query parameter such as ?cycle=FY2022)"))
    try:
        data = load_json(request.body or b"null")
    except JSONInputError as error:
        return Status(400, _error(error.path or "body", f"body: {error}"))
    if not isinstance(data, dict):
        return Status(400, _error("body", "body: expected a JSON object (the applicant profile)"))
    try:
        decision = evaluate(data, cycle, rules=effective_rules(cycle))
    except ProfileError as error:
        return Status(422, _error(error.field, str(error)))
    except CycleFormatError as error:
        return Status(422, _error("cycle", f"cycle: {error}"))
    except UnknownCycleError as error:
        return Status(404, _error("cycle", f"cycle: {error}"))
    return Status(200, decision.as_dict())
