"""Reads of the applicant portal: permission-checked getters, completeness, snapshot, officer lists, and
the eligibility profile of applications (one, or many at once)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When, prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jpo.accounts import access
from jpo.accounts.models import User
from jpo.applications.models import (
    Applicant,
    Application,
    Degree,
    Document,
    DocumentKind,
    DraftStep,
    DuplicateFlag,
    EligibilityCheck,
    EmploymentPeriod,
    EndorsementRequest,
    EndorsementStatus,
    LanguageTest,
    Preference,
)
from jpo.applications.workflow import Status
from jpo.core import bulksql
from jpo.core.errors import NotFound
from jpo.policy import profile as policy_profile
from jpo.policy.dates import parse_iso_date
from jpo.programme.models import Cycle

STEPS: list[tuple[str, Any]] = [
    ("personal", gettext_lazy("Personal data")),
    ("education", gettext_lazy("Degrees")),
    ("employment", gettext_lazy("Employment history")),
    ("languages", gettext_lazy("Language tests")),
    ("service", gettext_lazy("Civil service and prior service")),
    ("preferences", gettext_lazy("Track and preferences")),
    ("documents", gettext_lazy("Documents")),
    ("review", gettext_lazy("Self-check and submission")),
]
STEP_NAMES = [name for name, _label in STEPS]
STEP_LABELS = dict(STEPS)
FORM_STEPS = STEP_NAMES[:6]
REQUIRED_DOCUMENTS = [DocumentKind.CV, DocumentKind.COVER_LETTER, DocumentKind.DEGREE, DocumentKind.LANGUAGE]


def application_with_relations(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """`queryset` with the rows every application page reads joined in: its applicant (and account),
    cycle, track, ministry and submission."""
    return queryset.select_related("applicant", "applicant__user", "cycle", "track", "ministry", "submission")


def _application_queryset() -> QuerySet[Application]:
    return application_with_relations(Application.objects.all())


def application_get_for_user(*, user: User, pk: int) -> Application:
    """The application if `user` may see it (`access.scope_applications`); NotFound (404) otherwise."""
    application = access.scope_applications(user, _application_queryset()).filter(pk=pk).first()
    if application is None:
        raise NotFound
    return application


def application_get_own(*, user: User, pk: int) -> Application:
    """The application if it is the user's own (only its applicant edits it); NotFound (404) otherwise."""
    application = access.scope_own_applications(user, _application_queryset()).filter(pk=pk).first()
    if application is None:
        raise NotFound
    return application


def document_get_for_user(*, user: User, public_id: Any) -> Document:
    document = (
        access.scope_documents(user, Document.objects.select_related("application", "application__applicant"))
        .filter(public_id=public_id)
        .first()
    )
    if document is None:
        raise NotFound
    return document


def applications_of_user(*, user: User) -> list[Application]:
    """The user's applications, latest cycle first. Sorted here, not in SQL: a person has one per cycle,
    while ORDER BY the cycle's year made SQLite walk every application instead of the applicant's own."""
    mine = access.scope_own_applications(user, Application.objects.all()).select_related(
        "cycle", "track", "submission"
    )
    return sorted(mine.order_by(), key=lambda a: (-a.cycle.fiscal_year, a.pk))


def portal_cycles(*, now: dt.datetime) -> list[Cycle]:
    """Cycles whose pre-registration or application window is open or still to come."""
    return list(
        Cycle.objects.filter(
            Q(applications_close__gte=now - dt.timedelta(seconds=1))
            | Q(preregistration_closes__gte=now - dt.timedelta(seconds=1))
        )
        .prefetch_related("tracks")
        .order_by("fiscal_year")
    )


def employment_overlaps(rows: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Pairs (1-based row numbers) of employment periods that overlap in time."""
    found = []
    far = dt.date.max
    for i, a in enumerate(rows):
        for j in range(i + 1, len(rows)):
            b = rows[j]
            if a["start"] <= (b["end"] or far) and b["start"] <= (a["end"] or far):
                found.append((i + 1, j + 1))
    return found


SUBMISSION_LISTS = (
    "degrees",
    "employment",
    "language_tests",
    "documents",
    Prefetch("preferences", queryset=Preference.objects.select_related("organization", "post")),
)


def application_prefetch_for_submission(application: Application) -> None:
    """Load onto `application` (read with `application_with_relations`) the lists a submission reads
    (checks, self-check, snapshot): one query each."""
    prefetch_related_objects([application], *SUBMISSION_LISTS)


def application_missing(application: Application) -> list[dict[str, Any]]:
    """What still stops a submission, each with the step where it is fixed."""
    missing: list[dict[str, Any]] = []
    invalid_steps = DraftStep.objects.filter(application=application, is_valid=False).values_list(
        "step", flat=True
    )
    for step in sorted(invalid_steps, key=lambda s: STEP_NAMES.index(s) if s in STEP_NAMES else 99):
        missing.append(
            {
                "step": step,
                "message": _("“%(step)s” has changes with errors that are not saved yet: correct them.")
                % {"step": STEP_LABELS.get(step, step)},
            }
        )
    if not application.applicant.nationalities:
        missing.append({"step": "personal", "message": _("Personal data: give your nationality.")})
    if not application.degrees.all():
        missing.append({"step": "education", "message": _("Degrees: add at least one degree.")})
    if application.is_civil_servant and application.ministry_id is None:
        missing.append({"step": "service", "message": _("Civil service: name your ministry.")})
    if not application.preferences.all():
        missing.append({"step": "preferences", "message": _("Preferences: name at least one organization.")})
    have = {d.kind for d in application.documents.all()}
    for kind in REQUIRED_DOCUMENTS:
        if kind.value not in have:
            missing.append(
                {"step": "documents", "message": _("Documents: upload the %(kind)s.") % {"kind": kind.label}}
            )
    return missing


def application_snapshot(
    application: Application, *, receipt_number: str, check: EligibilityCheck
) -> dict[str, Any]:
    """Everything the applicant submitted, as plain JSON (dates ISO 8601): frozen at submission."""
    applicant = application.applicant
    return {
        "receipt_number": receipt_number,
        "cycle": application.cycle.code,
        "track": application.track.kind,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "applicant": {
            "id": applicant.pk,
            "family_name": applicant.family_name,
            "given_name": applicant.given_name,
            "family_name_kana": applicant.family_name_kana,
            "given_name_kana": applicant.given_name_kana,
            "birth_date": applicant.birth_date.isoformat(),
            "sex": applicant.sex,
            "email": applicant.email,
            "nationalities": applicant.nationalities,
        },
        "degrees": [
            {
                "level": d.level,
                "field": d.field,
                "institution": d.institution,
                "awarded": d.awarded.isoformat() if d.awarded else None,
                "expected": d.expected.isoformat() if d.expected else None,
            }
            for d in application.degrees.all()
        ],
        "employment": [
            {
                "employer": p.employer,
                "title": p.title,
                "start": p.start.isoformat(),
                "end": p.end.isoformat() if p.end else None,
                "type": p.type,
                "sector": p.sector,
                "description": p.description,
            }
            for p in application.employment.all()
        ],
        "language_tests": [
            {"test": t.test, "score": str(t.score), "taken": t.taken.isoformat()}
            for t in application.language_tests.all()
        ],
        "civil_servant": {
            "is_civil_servant": application.is_civil_servant,
            "ministry": application.ministry.code if application.ministry else None,
            "position": application.civil_servant_position,
        },
        "prior_service": {
            "former_jpo": application.former_jpo,
            "international_organization_staff": application.international_organization_staff,
            "details": application.prior_service_details,
        },
        "preferences": [
            {
                "rank": p.rank,
                "organization": p.organization.code,
                "post": p.post_id,
                "post_title": p.post.title if p.post else None,
            }
            for p in application.preferences.all()
        ],
        "documents": [
            {
                "id": str(d.public_id),
                "kind": d.kind,
                "original_name": d.original_name,
                "stored_as": d.file.name,
                "size": d.size,
                "pages": d.pages,
                "sha256": d.sha256,
            }
            for d in application.documents.all()
        ],
        "eligibility": {
            "eligible": check.eligible,
            "needs_review": check.needs_review,
            "rules_version": check.rules_version,
            "criteria": check.criteria,
        },
    }


def application_status_page(*, application: Application) -> dict[str, Any]:
    application = (
        _application_queryset()
        .select_related("endorsement", "endorsement__decided_by")
        .prefetch_related(
            "status_changes",
            "documents",
            Prefetch("preferences", queryset=Preference.objects.select_related("organization", "post")),
        )
        .get(pk=application.pk)
    )
    submission_check = (
        EligibilityCheck.objects.filter(application=application, kind="submission").order_by("-at").first()
    )
    return {"application": application, "check": submission_check}


def duplicate_flags_open() -> QuerySet[DuplicateFlag]:
    """Flags the officer has not resolved (a queryset: the page filters, sorts and pages it)."""
    return DuplicateFlag.objects.filter(resolved_at__isnull=True).select_related(
        "applicant", "applicant__user", "other", "other__user"
    )


def needs_review_checks() -> QuerySet[EligibilityCheck]:
    """Submitted applications whose check at submission left something for the officer to review
    (a queryset: the page filters, sorts and pages it in the database)."""
    return (
        EligibilityCheck.objects.filter(kind="submission", needs_review=True, reviewed_at__isnull=True)
        .exclude(application__status=Status.WITHDRAWN)
        .select_related(
            "application",
            "application__applicant",
            "application__cycle",
            "application__submission",
            "application__endorsement",
        )
        .order_by("at", "id")
    )


def _endorsement_queryset() -> QuerySet[EndorsementRequest]:
    return EndorsementRequest.objects.select_related(
        "ministry",
        "decided_by",
        "application",
        "application__applicant",
        "application__cycle",
        "application__track",
    )


def endorsement_requests_for_ministry_hr(*, user: User) -> QuerySet[EndorsementRequest]:
    """The requests of the officer's own ministry (a queryset: the page filters, sorts and pages it; its
    ``decided`` annotation, 0 while pending, sorts pending requests first)."""
    return access.scope_endorsement_requests(user, _endorsement_queryset()).annotate(
        decided=Case(
            When(status=EndorsementStatus.REQUESTED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )


def endorsement_get_for_ministry_hr(*, user: User, pk: int) -> EndorsementRequest:
    """One request if it belongs to the officer's own ministry; NotFound (404) otherwise (nothing about others leaks)."""
    endorsement = access.scope_endorsement_requests(user, _endorsement_queryset()).filter(pk=pk).first()
    if endorsement is None:
        raise NotFound
    return endorsement


def applicant_data_export(*, user: User) -> dict[str, Any]:
    """Everything the system holds about the signed-in person, as plain JSON (dates ISO 8601): their
    account, their applicant record and each application with its statuses, entries and documents."""

    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    applicant = getattr(user, "applicant", None)
    data: dict[str, Any] = {
        "account": {
            "username": user.username,
            "email": user.email,
            "family_name": user.last_name,
            "given_name": user.first_name,
            "preferred_language": user.preferred_language,
            "joined": iso(user.date_joined),
            "email_verified_at": iso(user.email_verified_at),
            "last_login": iso(user.last_login),
        },
        "applicant": None,
        "applications": [],
    }
    if applicant is None:
        return data
    data["applicant"] = {
        "family_name": applicant.family_name,
        "given_name": applicant.given_name,
        "family_name_kana": applicant.family_name_kana,
        "given_name_kana": applicant.given_name_kana,
        "birth_date": iso(applicant.birth_date),
        "sex": applicant.sex,
        "email": applicant.email,
        "nationalities": applicant.nationalities,
    }
    applications = (
        Application.objects.filter(applicant=applicant)
        .select_related("cycle", "track", "ministry", "forwarded_to")
        .prefetch_related(
            "status_changes",
            "degrees",
            "employment",
            "language_tests",
            "documents",
            Prefetch("preferences", queryset=Preference.objects.select_related("organization", "post")),
        )
        .order_by("cycle__fiscal_year")
    )
    for a in applications:
        data["applications"].append(
            {
                "cycle": a.cycle.code,
                "track": a.track.kind,
                "status": a.status,
                "receipt_number": a.receipt_number,
                "submitted_at": iso(a.submitted_at),
                "statuses": [
                    {"from": c.from_status, "to": c.to_status, "at": iso(c.at), "reason": c.reason}
                    for c in sorted(a.status_changes.all(), key=lambda c: (c.at, c.pk))
                ],
                "civil_servant": {
                    "is_civil_servant": a.is_civil_servant,
                    "ministry": a.ministry.code if a.ministry else None,
                    "position": a.civil_servant_position,
                },
                "prior_service": {
                    "former_jpo": a.former_jpo,
                    "international_organization_staff": a.international_organization_staff,
                    "details": a.prior_service_details,
                },
                "degrees": [
                    {
                        "level": d.level,
                        "field": d.field,
                        "institution": d.institution,
                        "awarded": iso(d.awarded),
                        "expected": iso(d.expected),
                    }
                    for d in a.degrees.all()
                ],
                "employment": [
                    {
                        "employer": p.employer,
                        "title": p.title,
                        "start": iso(p.start),
                        "end": iso(p.end),
                        "type": p.type,
                        "sector": p.sector,
                        "description": p.description,
                    }
                    for p in a.employment.all()
                ],
                "language_tests": [
                    {"test": t.test, "score": str(t.score), "taken": iso(t.taken)}
                    for t in a.language_tests.all()
                ],
                "preferences": [
                    {
                        "rank": p.rank,
                        "organization": p.organization.code,
                        "post": p.post.title if p.post else None,
                    }
                    for p in a.preferences.all()
                ],
                "documents": [
                    {
                        "kind": d.kind,
                        "file_name": d.original_name,
                        "size": d.size,
                        "uploaded_at": iso(d.uploaded_at),
                    }
                    for d in a.documents.all()
                ],
            }
        )
    return data


# --- the eligibility profile ---------------------------------------------------------------------------
# What `jpo.policy` judges: the application's declared facts in the shape of the `jpo eligibility` JSON
# profile (docs/operators.md), so the portal's self-check, bulk screening, the rule-set preview, the CLI
# and the API judge the same facts the same way. Two readers of the same facts, side by side: one
# application the page already holds, or many at once by id. They must give equal profiles (one test
# compares them on every kind of stored value).


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _score(value: Any) -> int | float:
    """A test score as the profile states it: a whole score as an int (105), else a float (6.5).
    The database gives a Decimal (PostgreSQL), or a number or its text (SQLite)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def application_profile(application: Application) -> dict[str, Any]:
    """The profile of one application (its degrees, employment and tests prefetched or read here)."""
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


def application_profiles(ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The profile of each application of `ids` (absent ids are left out), as `application_profile`
    gives it, read with four flat queries and no model instances: a bulk screening reads a whole cycle
    (100,000 applications) this way. Dates come as ISO text straight from the database."""
    profiles: dict[int, dict[str, Any]] = {}
    app, person = Application, Applicant
    where, param = bulksql.ids_match(f"a.{bulksql.column(app, 'id')}", ids)
    columns = ", ".join(
        [
            f"a.{bulksql.column(app, 'id')}",
            bulksql.value(person, "birth_date", "p"),
            f"p.{bulksql.column(person, 'nationalities')}",
        ]
        + [
            f"a.{bulksql.column(app, f)}"
            for f in ("is_civil_servant", "former_jpo", "international_organization_staff")
        ]
    )
    source = (
        f"{bulksql.table(app)} a JOIN {bulksql.table(person)} p "
        f"ON p.{bulksql.column(person, 'id')} = a.{bulksql.column(app, 'applicant')}"
    )
    sql = f"SELECT {columns} FROM {source} WHERE {where}"  # noqa: S608
    parsed: dict[Any, Any] = {}  # nationalities as stored (JSON text on SQLite), read once per value
    for pk, birth, nationalities, civil, former, io_staff in bulksql.fetch(sql, param):
        if isinstance(nationalities, str | bytes):
            if nationalities not in parsed:
                parsed[nationalities] = json.loads(nationalities)
            nationalities = parsed[nationalities]
        profiles[pk] = {
            "birth_date": birth,
            "nationalities": list(nationalities or []),
            "degrees": [],
            "employment": [],
            "language_tests": [],
            "national_civil_servant": bool(civil),
            "former_jpo": bool(former),
            "international_organization_staff": bool(io_staff),
        }
    for app_id, level, field, awarded, expected in bulksql.select_by_ids(
        Degree,
        ("application", "level", "field", "awarded", "expected"),
        "application",
        ids,
        ("application", "id"),
    ):
        row: dict[str, Any] = {"level": level, "field": field}
        if awarded is not None:
            row["awarded"] = awarded
        else:
            row["expected"] = expected
        profiles[app_id]["degrees"].append(row)
    for app_id, start, end, kind, sector in bulksql.select_by_ids(
        EmploymentPeriod,
        ("application", "start", "end", "type", "sector"),
        "application",
        ids,
        ("application", "start", "id"),
    ):
        profiles[app_id]["employment"].append({"start": start, "end": end, "type": kind, "sector": sector})
    for app_id, test, score, taken in bulksql.select_by_ids(
        LanguageTest,
        ("application", "test", "score", "taken"),
        "application",
        ids,
        ("application", "taken", "id"),
    ):
        profiles[app_id]["language_tests"].append({"test": test, "score": _score(score), "taken": taken})
    return profiles


def application_profiles_parsed(
    ids: Sequence[int],
) -> dict[int, tuple[dict[str, Any], policy_profile.Profile | None]]:
    """`application_profiles`, each profile also as the rules read it (a `jpo.policy.Profile`) built here
    from the values as read, so that a bulk screening does not parse every profile again. None where a
    value might be one the contract refuses (a code the forms do not offer, a period ending before it
    starts...): `evaluate` given the dict then says which field, as it always did."""
    return {pk: (profile, _profile_parsed(profile)) for pk, profile in application_profiles(ids).items()}


def _profile_parsed(data: dict[str, Any]) -> policy_profile.Profile | None:
    """The policy's Profile of one profile as `application_profiles` reads it; None if it might be refused."""
    try:
        nationalities = tuple(data["nationalities"])
        if not all(isinstance(code, str) and len(code) == 2 and code.isalpha() for code in nationalities):
            return None
        degrees = []
        for row in data["degrees"]:
            awarded, expected = row.get("awarded"), row.get("expected")
            if row["level"] not in policy_profile.DEGREE_LEVELS or (awarded is None and expected is None):
                return None
            degrees.append(
                policy_profile.Degree(
                    level=row["level"],
                    field=_text(row["field"]),
                    awarded=_day(awarded),
                    expected=_day(expected),
                )
            )
        employment = []
        for row in data["employment"]:
            start, end = parse_iso_date(row["start"]), _day(row["end"])
            if row["type"] not in policy_profile.EMPLOYMENT_TYPES or (end is not None and end < start):
                return None
            employment.append(
                policy_profile.Employment(start=start, end=end, type=row["type"], sector=_text(row["sector"]))
            )
        tests = []
        for row in data["language_tests"]:
            if (
                row["test"] not in policy_profile.LANGUAGE_TESTS
                or not 0 <= row["score"] <= policy_profile.MAX_SCORE
            ):
                return None
            tests.append(
                policy_profile.LanguageTest(
                    test=row["test"], score=float(row["score"]), taken=parse_iso_date(row["taken"])
                )
            )
        return policy_profile.Profile(
            birth_date=parse_iso_date(data["birth_date"]),
            nationalities=tuple(code.upper() for code in nationalities),
            degrees=tuple(degrees),
            employment=tuple(employment),
            language_tests=tuple(tests),
            national_civil_servant=data["national_civil_servant"],
            former_jpo=data["former_jpo"],
            international_organization_staff=data["international_organization_staff"],
        )
    except (TypeError, ValueError):
        return None


def _day(text: str | None) -> dt.date | None:
    return None if text is None else parse_iso_date(text)


def _text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(value)
    return value
