"""Schemas of the applications API (django-ninja / pydantic).

The eligibility profile is validated by `jpo.policy.parse_profile` (one path for the CLI, the API and the
portal); `ProfileIn` documents it in the OpenAPI schema.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class DegreeIn(Schema):
    level: Literal["bachelor", "master", "doctorate"]
    field: str | None = None
    awarded: date | None = Field(None, description="ISO date; give 'awarded' or 'expected'")
    expected: date | None = Field(None, description="ISO date of expected completion")


class EmploymentIn(Schema):
    start: date
    end: date | None = Field(description="null: ongoing")
    type: Literal["full_time", "part_time", "internship"] = Field(
        description="only full_time counts as work experience"
    )
    sector: str | None = Field(
        None, examples=["private", "national_government", "international_organization"]
    )
    ministry: str | None = None


class LanguageTestIn(Schema):
    test: Literal["toefl_ibt", "ielts", "other"]
    score: float = Field(ge=0, le=10_000, allow_inf_nan=False)
    taken: date


class ProfileIn(Schema):
    """An applicant's facts, as in `jpo eligibility PROFILE.json`. Extra fields are allowed and ignored."""

    model_config = ConfigDict(extra="allow")

    birth_date: date
    nationalities: list[str] = Field(description="ISO 3166 two-letter codes, e.g. JP")
    degrees: list[DegreeIn]
    employment: list[EmploymentIn]
    language_tests: list[LanguageTestIn]
    national_civil_servant: bool
    former_jpo: bool
    international_organization_staff: bool
    organizations: list[str] | None = Field(
        None,
        description="optional: organizations applied to (UNDP applicants have earlier deadlines in FY2020-2022)",
    )


class Message(Schema):
    en: str
    ja: str


class SourceOut(Schema):
    label: str
    url: str | None


class CriterionOut(Schema):
    id: Literal["nationality", "age", "degree", "experience", "language", "prior_service", "civil_servant"]
    outcome: Literal["passed", "failed", "needs_review"]
    message: Message
    rule: Message
    parameter_value: dict[str, Any] = Field(description="the value(s) of the rule that applied in this cycle")
    source: list[SourceOut]
    parameters: list[dict[str, Any]] = Field(description="each parameter with its date, source and notes")
    applicant_value: Any


class DecisionOut(Schema):
    cycle: str = Field(examples=["FY2022"])
    eligible: bool | None = Field(
        description="true if every criterion passed, false if one failed, null if none failed but some need review"
    )
    outcome: Literal["eligible", "not_eligible", "needs_review"]
    rules_version: str
    criteria: list[CriterionOut]


class ErrorOut(Schema):
    detail: str
    field: str | None = None


def inline_json_schema(model: type[Schema]) -> dict[str, Any]:
    """The model's JSON schema with its `$defs` inlined (for an OpenAPI `requestBody` given by hand)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.rsplit("/", 1)[-1]])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    result: dict[str, Any] = resolve(schema)
    return result
