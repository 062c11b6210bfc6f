"""The migration that links alumni records to their applicant, back and forth, on the database the tests
run on (SQLite, and PostgreSQL with DATABASE_URL): a record made from a dispatch gets its applicant and
loses its copy of the name; one whose applicant was anonymised, and a roster row, keep their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from jpo.applications.models import Applicant
from jpo.placement.models import AlumniRecord
from jpo.placement.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("placement", "0005_alumni_import_lease")
AFTER = ("placement", "0006_alumni_applicant")


def migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def names() -> dict[int, tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, family_name, given_name FROM placement_alumnirecord")
        return {pk: (family, given) for pk, family, given in cursor.fetchall()}


def linked() -> dict[int, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, applicant_id FROM placement_alumnirecord")
        return dict(cursor.fetchall())


def test_the_migration_links_dispatched_alumni_and_goes_back(later: Any) -> None:
    officer = f.officer()
    org = f.organization("UNDP")
    kept = f.dispatched(actor=officer, org=org)
    purged = f.dispatched(actor=officer, org=org, cycle_row=f.cycle(2025))
    person = kept.application.applicant
    linked_record = AlumniRecord.objects.create(
        applicant=person, dispatch=kept, cohort_fiscal_year=2024, organization=org
    )
    try:
        migrate(BEFORE)
        # back: the linked record has the applicant's name again
        assert names()[linked_record.pk] == (person.family_name, person.given_name)
        with connection.cursor() as cursor:
            # rows as they were before the link existed: a dispatched alumnus whose applicant was then
            # anonymised, and a roster row with the same name as an applicant (never matched by name)
            cursor.execute(
                "INSERT INTO placement_alumnirecord (family_name, given_name, cohort_fiscal_year,"
                " organization_id, is_civil_servant, outcome, current_organization, current_grade, email,"
                " dispatch_id) VALUES (%s, %s, 2025, %s, FALSE, 'unknown', '', '', '', %s)",
                ["鈴木", "一郎", org.pk, purged.pk],
            )
            cursor.execute(
                "INSERT INTO placement_alumnirecord (family_name, given_name, cohort_fiscal_year,"
                " organization_id, is_civil_servant, outcome, current_organization, current_grade, email)"
                " VALUES (%s, %s, 2000, %s, FALSE, 'unknown', '', '', %s)",
                [person.family_name, person.given_name, org.pk, person.email],
            )
        Applicant.objects.filter(pk=purged.application.applicant_id).update(purged_at=timezone.now())
    finally:
        migrate(AFTER)
    assert linked() == {
        linked_record.pk: person.pk,  # linked again from its dispatch
        **{pk: None for pk in linked() if pk != linked_record.pk},
    }
    after = names()
    assert after[linked_record.pk] == ("", "")
    assert sorted(v for pk, v in after.items() if pk != linked_record.pk) == sorted(
        [("鈴木", "一郎"), (person.family_name, person.given_name)]
    )
    assert AlumniRecord.objects.get(pk=linked_record.pk).full_name == person.full_name
