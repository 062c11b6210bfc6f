"""Reads of the programme app for its pages: cycles with their tracks, loaded in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from jpo import policy
from jpo.core.errors import NotFound
from jpo.policy.validation import KINDS
from jpo.programme.models import Agreement, Cycle, Organization, Track


def cycles_for_officer() -> QuerySet[Cycle]:
    """Every cycle, newest first, with its tracks, their organizations and its number of applications."""
    return (
        Cycle.objects.annotate(application_count=Count("applications", distinct=True))
        .prefetch_related(
            Prefetch(
                "tracks",
                queryset=Track.objects.order_by("kind").prefetch_related(
                    Prefetch("organizations", queryset=Organization.objects.order_by("code"))
                ),
            )
        )
        .order_by("-fiscal_year")
    )


def cycles_with_applications() -> QuerySet[Cycle]:
    """Cycles that have applications (other than drafts), newest first, with how many."""
    return (
        Cycle.objects.annotate(
            application_count=Count("applications", filter=~Q(applications__status="draft"), distinct=True)
        )
        .filter(application_count__gt=0)
        .order_by("-fiscal_year")
    )


def cycle_get(fiscal_year: int) -> Cycle:
    """One cycle with its tracks and their organizations (NotFound, a 404, if there is none)."""
    cycle = cycles_for_officer().filter(fiscal_year=fiscal_year).first()
    if cycle is None:
        raise NotFound
    return cycle


def partner_organizations(*, fiscal_year: int | None = None) -> QuerySet[Organization]:
    """The programme's partners: organizations with a JPO agreement (in force in `fiscal_year` if given).

    Applicants, posts, ratings and tracks choose from these only. The other rows of the organization
    table are codes of the staff statistics (the census, e.g. CEB's "UN" for the UN Secretariat, whose
    partner row is "UN-SECRETARIAT"): they serve the workforce figures and are never offered as a choice.
    """
    agreements = Agreement.objects.filter(organization=OuterRef("pk"))
    if fiscal_year is not None:
        agreements = agreements.filter(starts_fiscal_year__lte=fiscal_year).filter(
            Q(ends_fiscal_year__isnull=True) | Q(ends_fiscal_year__gte=fiscal_year)
        )
    return Organization.objects.filter(Exists(agreements)).order_by("code")


def outcome_organizations() -> QuerySet[Organization]:
    """Where a former JPO may work after the dispatch: the partners, then the organizations known only
    from the statistics, less those that are the same body as a partner under a statistics code."""
    partners = partner_organizations()
    return (
        Organization.objects.filter(partner__isnull=True)
        .exclude(Q(name_en__in=partners.values("name_en")) & ~Q(pk__in=partners.values("pk")))
        .annotate(is_partner=Exists(partners.filter(pk=OuterRef("pk"))))
        .order_by("-is_partner", "code")
    )


# --- Rule sets, as the officer's pages show them ----------------------------------------------------

TEST_NAMES = {"toefl_ibt": "TOEFL iBT", "ielts": "IELTS", "other": "other"}


def value_labels() -> dict[Any, Any]:
    """Words for the values the rules store as codes (degree levels, kinds of work, ...)."""
    from django.utils.translation import gettext_lazy as _

    from jpo.programme.vocabulary import DegreeLevel, EmploymentType

    return {
        **{c.value: c.label for c in DegreeLevel},
        **{c.value: c.label for c in EmploymentType},
        "former_jpo": _("former JPOs"),
        "international_organization_staff": _("regular staff of international organizations"),
        "allowed": _("may apply"),
        "excluded": _("may not apply"),
        **TEST_NAMES,
    }


def _words(items: list[Any], lang: str) -> str:
    return ("、" if lang == "ja" else ", ").join(str(i) for i in items)


def entry_value_text(name: str, entry: dict[str, Any] | None, *, fiscal_year: int, lang: str) -> str:
    """A parameter's value in plain words for the officer (dates resolved for the cycle)."""
    from django.utils.translation import gettext as _

    if entry is None:
        return _("Missing")
    value = entry.get("value")
    if value == "unknown":
        text = _("Unknown")
        if entry.get("candidates"):
            dates = [_date_text(c, fiscal_year, lang) for c in entry["candidates"]]
            text += " (" + _("possible: %(dates)s") % {"dates": _words(dates, lang)} + ")"
        return text
    if value is None:
        return _("Does not apply")
    kind = KINDS.get(name, ("", None))[0]
    if kind == "date" and not (isinstance(value, str) and not value[:1].isdigit()):
        text = _date_text(value, fiscal_year, lang)
    elif kind == "date":
        text = _("at the time of application") if value == "at_application" else str(value)
    elif kind == "language" and isinstance(value, dict):
        tests = [TEST_NAMES.get(t, t) for t in value.get("accepted_tests", [])]
        minimum = value.get("minimum_scores") or {}
        scores = [f"{TEST_NAMES.get(t, t)} {s:g}" for t, s in minimum.items()]
        text = (
            _("mandatory") if value.get("mandatory") else _("optional")
        ) + f" · {value.get('language', '')}"
        if tests:
            text += " · " + _words(tests, lang)
        if scores:
            text += " · " + _("minimum %(scores)s") % {"scores": _words(scores, lang)}
    elif isinstance(value, list):
        labels = value_labels()
        text = _words([labels.get(v, v) for v in value], lang)
    else:
        text = str(value_labels().get(value, value))
    if entry.get("exceptions"):
        parts = [f"{org}: {_date_text(rule, fiscal_year, lang)}" for org, rule in entry["exceptions"].items()]
        text += " (" + _("exceptions: %(list)s") % {"list": _words(parts, lang)} + ")"
    return text


def _date_text(rule: Any, fiscal_year: int, lang: str) -> str:
    from jpo.policy import text as words

    day = rule_date(rule, fiscal_year)
    if day is None:
        return str(rule)
    return words.d_ja(day) if lang == "ja" else words.d_en(day)


def rule_date(rule: Any, fiscal_year: int) -> dt.date | None:
    """The date a rule's date stands for in a cycle: an ISO date, or {month, day, year_offset}."""
    try:
        if isinstance(rule, str):
            return dt.date.fromisoformat(rule)
        return policy.resolve_date(rule, fiscal_year)
    except (AttributeError, TypeError, ValueError, KeyError):
        return None


def parameter_description(name: str, lang: str) -> str:
    definition = policy.parameters.definitions().get(name)
    return definition.description.get(lang, name) if definition is not None else name
