"""The applicant's dashboard does not grow with the total number of applications."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jpo.accounts.models import Role
from jpo.applications import selectors
from jpo.applications.models import Application
from jpo.applications.tests.factories import make_application

pytestmark = pytest.mark.django_db


def test_own_applications_are_found_by_the_applicant_not_by_walking_every_row(make_user: Any) -> None:
    user = make_user(Role.APPLICANT)
    first = make_application(fiscal_year=2024)
    first.applicant.user = user
    first.applicant.save()
    for year in (2026, 2025):
        other = make_application(fiscal_year=year)
        Application.objects.filter(pk=other.pk).update(applicant=first.applicant)
    for _ in range(30):
        make_application(fiscal_year=2026)
    with CaptureQueriesContext(connection) as queries:
        found = selectors.applications_of_user(user=user)
    assert [a.cycle.fiscal_year for a in found] == [2026, 2025, 2024]
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "ORDER BY" not in sql
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        table = Application._meta.db_table
        assert f"SCAN {table}" not in plan, plan  # an index search, not a walk over every application
