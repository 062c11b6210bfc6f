"""A code of the staff statistics linked to the partner it stands for (organizations.yaml `census_codes`):
CEB's "UN" is the partner "UN-SECRETARIAT". The figures show the partner's name; pickers offer it once."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from jpo.programme.models import Agreement, Organization
from jpo.programme.selectors import outcome_organizations
from jpo.programme.services import census_partner_codes, programme_load_reference_data
from jpo.workforce.models import CensusSource
from jpo.workforce.selectors import table_organizations
from jpo.workforce.services import census_import_file, workforce_organization_get_or_create

pytestmark = pytest.mark.django_db

HEADER = "reference_date,organization,nationality,category,grade,sex,headcount,citation"


def test_the_reference_data_names_the_census_code_of_the_un_secretariat() -> None:
    assert census_partner_codes() == {"UN": "UN-SECRETARIAT"}


def test_the_census_code_is_linked_whichever_is_loaded_first() -> None:
    # The census first (an installation that loaded the statistics before the partners) ...
    census_un, created = workforce_organization_get_or_create(ceb_code="UN")
    assert created and census_un.partner is None
    programme_load_reference_data()
    census_un.refresh_from_db()
    secretariat = Organization.objects.get(code="UN-SECRETARIAT")
    assert census_un.partner == secretariat and census_un.reported_as == secretariat
    # ... or the partners first: the code is linked when the census creates it.
    Organization.objects.filter(pk=census_un.pk).delete()
    again, created = workforce_organization_get_or_create(ceb_code="UN")
    assert created and again.partner == secretariat
    ilo, _ = workforce_organization_get_or_create(ceb_code="ILO")
    assert ilo.partner is None or ilo.partner.code == "ILO"


def test_pickers_offer_the_partner_once_and_tables_show_its_name(client: Any, make_user: Any) -> None:
    secretariat = Organization.objects.create(
        code="UN-SECRETARIAT",
        name_en="United Nations Secretariat",
        name_ja="国際連合事務局",
        kind="secretariat",
    )
    Agreement.objects.create(organization=secretariat, starts_fiscal_year=2017, source="test")
    census_un, _ = workforce_organization_get_or_create(ceb_code="UN")
    # Even under another name, the linked code is not offered beside its partner.
    Organization.objects.filter(pk=census_un.pk).update(name_en="UN (CEB)")
    assert census_un not in list(outcome_organizations())
    content = (HEADER + "\n2019-12-31,UN,ALL,all,ALL,ALL,35000,CEB test\n").encode()
    census_import_file(content=content, file_name="ceb.csv", source=CensusSource.CEB)
    with translation.override("ja"):
        table = table_organizations()
    assert table.rows[0][0] == "国際連合事務局 (UN)"
    with translation.override("en"):
        assert table_organizations().rows[0][0] == "United Nations Secretariat (UN)"
    officer = make_user("officer")
    client.force_login(officer)
    page = client.get("/desk/applications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("— United Nations Secretariat") <= 1 and "UN (CEB)" not in page
