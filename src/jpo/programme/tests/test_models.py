from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from jpo.programme.models import Agreement, Cycle, Organization, OrganizationKind

pytestmark = pytest.mark.django_db

JST = dt.timezone(dt.timedelta(hours=9))


def test_cycle_window_must_close_after_it_opens() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(
            fiscal_year=2024,
            applications_open=dt.datetime(2024, 3, 4, tzinfo=JST),
            applications_close=dt.datetime(2024, 2, 1, tzinfo=JST),
        )


def test_cycle_years_start_when_japan_joined() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(fiscal_year=1973)
    assert Cycle.objects.create(fiscal_year=1974).code == "FY1974"


def test_agreement_cannot_end_before_it_starts() -> None:
    undp = Organization.objects.create(
        code="UNDP", name_en="UNDP", name_ja="国連開発計画", kind=OrganizationKind.FUND_PROGRAMME
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            organization=undp, starts_fiscal_year=2020, ends_fiscal_year=2019, source="test"
        )
