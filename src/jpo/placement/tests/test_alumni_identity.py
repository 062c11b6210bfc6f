"""One person, one identity: alumni linked to the applicant they are, who owns their name.

A record made from a dispatch is linked to its applicant; a roster row is linked by its receipt number
or by e-mail address with date of birth, never by name; a row whose keys name more than one person is
imported without a link and reported.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jpo.accounts.models import AuditEvent, Role, User
from jpo.applications.models import Applicant, Application
from jpo.placement.models import AlumniImport, AlumniRecord
from jpo.placement.services.alumni import (
    AlumniAlreadyRecorded,
    AlumniImportError,
    alumni_from_dispatch,
    alumni_import,
)
from jpo.placement.tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "family_name,given_name,cohort_fiscal_year,organization,email,receipt_number,birth_date\n"


def applicant(*, family: str = "山田", given: str = "花子", email: str, born: dt.date) -> Applicant:
    return Applicant.objects.create(
        family_name=family, given_name=given, birth_date=born, email=email, nationalities=["JP"]
    )


def applied(person: Applicant, *, receipt: str, fiscal_year: int = 2020) -> Application:
    cycle = f.cycle(fiscal_year)
    return Application.objects.create(
        applicant=person, cycle=cycle, track=cycle.tracks.get(kind="mofa"), receipt_number=receipt
    )


def test_a_record_made_from_a_dispatch_is_the_applicants(later: Any) -> None:
    officer = f.officer()
    dispatch = f.dispatched(actor=officer)
    person = dispatch.application.applicant
    record = alumni_from_dispatch(actor=officer, dispatch=dispatch)
    record.refresh_from_db()
    assert record.applicant == person and record.dispatch == dispatch
    assert (record.family_name, record.given_name) == ("", "")  # the applicant owns the name
    assert record.full_name == person.full_name
    assert (record.cohort_fiscal_year, record.organization) == (2024, dispatch.post.organization)
    assert AuditEvent.objects.filter(action="placement.alumni_from_dispatch").count() == 1
    # a later change of name is the one every page shows
    Applicant.objects.filter(pk=person.pk).update(family_name="佐藤")
    assert AlumniRecord.objects.get(pk=record.pk).full_name.startswith("佐藤")
    with pytest.raises(AlumniAlreadyRecorded):
        alumni_from_dispatch(actor=officer, dispatch=dispatch)
    assert AlumniRecord.objects.count() == 1


def test_only_officers_make_a_record_from_a_dispatch(later: Any) -> None:
    dispatch = f.dispatched(actor=f.officer())
    analyst = User.objects.create_user(username="analyst", password="x-Long-enough-1", role=Role.ANALYST)
    with pytest.raises(PermissionDenied):
        alumni_from_dispatch(actor=analyst, dispatch=dispatch)
    assert not AlumniRecord.objects.exists()


def test_import_links_by_receipt_number_and_by_email_with_birth_date() -> None:
    f.organization("UNDP")
    by_receipt = applicant(email="a@example.jp", born=dt.date(1990, 4, 1))
    applied(by_receipt, receipt="R2020-000001")
    by_email = applicant(given="次郎", email="Jiro@Example.jp", born=dt.date(1991, 5, 2))
    content = (
        HEADER + "山田,花子,2021,UNDP,,R2020-000001,\n" + "山田,次郎,2021,UNDP,jiro@example.jp,,1991-05-02\n"
    )
    batch = alumni_import(actor=f.officer(), name="roster.csv", content=content.encode())
    assert (batch.row_count, batch.linked_count, batch.unlinked_rows) == (2, 2, [])
    linked = dict(AlumniRecord.objects.values_list("applicant_id", "family_name"))
    assert linked == {by_receipt.pk: "", by_email.pk: ""}  # no copy of the name


def test_without_a_reliable_key_a_row_is_not_linked_even_with_the_same_name() -> None:
    f.organization("UNDP")
    same_name = applicant(email="hanako@example.jp", born=dt.date(1990, 4, 1))
    content = (
        HEADER
        + "山田,花子,2021,UNDP,,,\n"  # the name alone
        + "山田,花子,2022,UNDP,hanako@example.jp,,\n"  # the e-mail without the date of birth
        + "山田,花子,2023,UNDP,hanako@example.jp,,1990-04-02\n"  # another date of birth
    )
    batch = alumni_import(actor=None, name="roster.csv", content=content.encode())
    assert (batch.linked_count, batch.unlinked_rows) == (0, [])
    assert not AlumniRecord.objects.filter(applicant=same_name).exists()
    assert set(AlumniRecord.objects.values_list("family_name", "given_name")) == {("山田", "花子")}


def test_keys_naming_more_than_one_person_are_reported_not_guessed() -> None:
    f.organization("UNDP")
    # two applicant records with one e-mail address and date of birth (a person registered twice)
    applicant(email="twice@example.jp", born=dt.date(1990, 4, 1))
    applicant(given="花", email="twice@example.jp", born=dt.date(1990, 4, 1))
    # a receipt number and an e-mail with date of birth that name different people
    one = applicant(given="一", email="one@example.jp", born=dt.date(1989, 1, 1))
    applied(one, receipt="R2020-000007")
    applicant(given="二", email="two@example.jp", born=dt.date(1988, 1, 1))
    content = (
        HEADER
        + "山田,花子,2021,UNDP,twice@example.jp,,1990-04-01\n"
        + "山田,一,2021,UNDP,two@example.jp,R2020-000007,1988-01-01\n"
    )
    batch = alumni_import(actor=None, name="roster.csv", content=content.encode())
    assert (batch.row_count, batch.linked_count, batch.unlinked_rows) == (2, 0, [2, 3])
    assert not AlumniRecord.objects.filter(applicant__isnull=False).exists()
    assert set(AlumniRecord.objects.values_list("given_name", flat=True)) == {"花子", "一"}  # roster's names


def test_an_unknown_receipt_number_or_a_bad_birth_date_refuses_the_file() -> None:
    f.organization("UNDP")
    content = HEADER + "山田,花子,2021,UNDP,,R1999-404,\n" + "山田,次郎,2021,UNDP,a@example.jp,,1990-13-01\n"
    with pytest.raises(AlumniImportError) as caught:
        alumni_import(actor=None, name="roster.csv", content=content.encode())
    assert {(e.row, e.column) for e in caught.value.errors} == {(2, "receipt_number"), (3, "birth_date")}
    assert not AlumniRecord.objects.exists() and not AlumniImport.objects.exists()


def test_an_anonymised_applicant_is_never_matched() -> None:
    from django.utils import timezone

    f.organization("UNDP")
    gone = applicant(email="gone@example.jp", born=dt.date(1990, 4, 1))
    Applicant.objects.filter(pk=gone.pk).update(purged_at=timezone.now())
    content = HEADER + "山田,花子,2021,UNDP,gone@example.jp,,1990-04-01\n"
    batch = alumni_import(actor=None, name="roster.csv", content=content.encode())
    assert (batch.linked_count, batch.unlinked_rows) == (0, [])


def test_the_same_linked_person_twice_is_refused() -> None:
    f.organization("UNDP")
    person = applicant(email="a@example.jp", born=dt.date(1990, 4, 1))
    applied(person, receipt="R2020-000001")
    row = "山田,花子,2021,UNDP,a@example.jp,R2020-000001,1990-04-01\n"
    with pytest.raises(AlumniImportError, match="Same person as row 2"):
        alumni_import(actor=None, name="roster.csv", content=(HEADER + row + row).encode())
    alumni_import(actor=None, name="roster.csv", content=(HEADER + row).encode())
    with pytest.raises(AlumniImportError, match="already in the roster"):
        alumni_import(actor=None, name="roster.csv", content=(HEADER + row).encode())


def test_the_roster_page_links_the_applicant_and_reports_unlinked_rows(client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    f.organization("UNDP")
    person = applicant(family="Banks", given="Susan", email="susan@example.org", born=dt.date(1990, 4, 1))
    applicant(family="Banks", given="Sue", email="susan@example.org", born=dt.date(1990, 4, 1))
    other = applicant(family="Lee", given="Ann", email="ann@example.org", born=dt.date(1985, 1, 1))
    applied(other, receipt="R2020-000002")
    officer = f.officer()
    client.force_login(officer)
    content = (
        HEADER
        + "Banks,Susan,2021,UNDP,susan@example.org,,1990-04-01\n"
        + "Lee,Ann,2021,UNDP,,R2020-000002,\n"
        + "Roster,Only,2021,UNDP,,,\n"
    )
    response = client.post(
        reverse("placement:alumni"),
        {"file": SimpleUploadedFile("roster.csv", content.encode())},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rows 2: the receipt number or the e-mail address with the date of birth" in page
    assert "Not linked, more than one person matches: rows 2" in page
    assert f'href="{reverse("desk:applicant", args=[other.pk])}">Ann Lee</a>' in page
    assert reverse("desk:applicant", args=[person.pk]) not in page  # reported, not linked
    assert ">Only Roster<" in page
    japanese = client.get(reverse("placement:alumni"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "複数の人" in japanese
    # the search finds a linked alumnus by the applicant's name
    found = client.get(reverse("placement:alumni") + "?q=Lee", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ann Lee" in found and "Only Roster" not in found


def test_an_alumnus_whose_applicant_is_anonymised_stays_in_the_roster_by_name(settings: Any) -> None:
    from jpo.applications.tests.test_personal_data import _closed_cycle, purge

    settings.JPO_PERSONAL_DATA_RETENTION_DAYS = 365
    cycle = _closed_cycle(2019, closed_days_ago=400)
    person = Applicant.objects.filter(applications__cycle=cycle, applications__status="not_shortlisted").get()
    name = person.full_name
    record = AlumniRecord.objects.create(
        applicant=person, cohort_fiscal_year=2000, organization=f.organization("UNDP")
    )
    assert "Done" in purge("--cycle", "FY2019")
    person.refresh_from_db()
    record.refresh_from_db()
    assert person.purged_at is not None and person.family_name == ""
    assert record.applicant is None and record.full_name == name
