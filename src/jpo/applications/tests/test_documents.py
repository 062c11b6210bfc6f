"""Documents: PDF by content, size limit, generated names outside the web root, checked downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from jpo.accounts.models import Role
from jpo.applications.models import Document
from jpo.applications.tests.factories import make_pdf
from jpo.programme.models import Ministry, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(draft: Any, client: Client) -> tuple[Client, Any, Any]:
    application, user = draft
    client.force_login(user)
    client.cookies["jpo_language"] = "en"
    return client, application, user


def post_file(
    client: Client, application: Any, content: bytes, name: str = "cv.pdf", kind: str = "cv"
) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/portal/applications/{application.pk}/documents/",
        {
            "kind": kind,
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            "action": "upload",
        },
    )


def test_a_valid_pdf_is_stored_under_a_generated_name(web: Any) -> None:
    client, application, _user = web
    content = make_pdf(pages=2)
    response = post_file(client, application, content, name="../../etc/My CV.pdf")
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.original_name == "My CV.pdf"  # Django drops the path part
    assert document.pages == 2 and document.size == len(content)
    stored = Path(document.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert stored.name == f"{document.public_id.hex}.pdf"
    assert stored.read_bytes() == content


def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(web: Any) -> None:
    client, application, _user = web
    response = post_file(client, application, b"MZ\x90\x00 this is an executable", name="cv.pdf")
    assert response.status_code == 400
    assert b"This file is not a PDF" in response.content
    assert b'href="#id_file"' in response.content
    assert not Document.objects.exists()


def test_a_fake_pdf_with_the_right_magic_bytes_is_refused(web: Any) -> None:
    client, application, _user = web
    response = post_file(client, application, b"%PDF-1.7\nnot really a pdf at all\n")
    assert response.status_code == 400
    assert b"cannot be read" in response.content
    assert not Document.objects.exists()


def test_an_oversize_pdf_is_refused(web: Any, settings: Any) -> None:
    settings.JPO_MAX_UPLOAD_MB = 1
    client, application, _user = web
    response = post_file(client, application, make_pdf(pad_bytes=1_100_000))
    assert response.status_code == 400
    assert b"the limit is 1 MB per file" in response.content
    assert not Document.objects.exists()


def test_a_new_upload_replaces_the_old_file(web: Any, django_capture_on_commit_callbacks: Any) -> None:
    client, application, _user = web
    post_file(client, application, make_pdf(text="one"))
    first = Document.objects.get()
    first_path = Path(first.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        post_file(client, application, make_pdf(text="two"))
    assert Document.objects.count() == 1
    assert not first_path.exists()


def test_media_is_not_served_by_url(web: Any) -> None:
    client, application, _user = web
    post_file(client, application, make_pdf())
    document = Document.objects.get()
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(f"/{document.file.name}").status_code == 404


def test_downloads_only_for_the_applicant_and_staff_allowed_to_see_it(
    web: Any, make_user: Any, signup: Any
) -> None:
    client, application, _user = web
    content = make_pdf()
    post_file(client, application, content)
    document = Document.objects.get()
    path = f"/portal/documents/{document.public_id}/"

    response = client.get(path)
    assert response.status_code == 200 and b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]

    def status_for(user: Any) -> int:
        other = Client()
        other.force_login(user)
        return other.get(path).status_code

    ministry = Ministry.objects.create(code="mof", name_en="Ministry of Finance", name_ja="財務省")
    undp = Organization.objects.get(code="UNDP")
    assert status_for(make_user(Role.OFFICER)) == 200
    assert status_for(signup()) == 404  # another applicant
    assert status_for(make_user(Role.REVIEWER)) == 404
    assert status_for(make_user(Role.ANALYST)) == 404
    assert status_for(make_user(Role.MINISTRY_HR, ministry=ministry)) == 404
    assert status_for(make_user(Role.FOCAL_POINT, organization=undp)) == 404
    application.is_civil_servant, application.ministry = True, ministry
    application.forwarded_to = undp
    application.save()
    hr = make_user(Role.MINISTRY_HR, ministry=ministry)
    assert status_for(hr) == 404  # still a draft: the applicant's alone
    application.status, application.submitted_at = "submitted", timezone.now()
    application.save()
    assert status_for(hr) == 200
    assert status_for(make_user(Role.FOCAL_POINT, organization=undp)) == 200
    assert Client().get(path).status_code == 302  # anonymous: to the login page


@pytest.mark.parametrize("name", ["cv.exe", "cv.html", 'c"v\r\n.pdf', "履歴書.svg"])
def test_downloads_are_named_by_the_system_not_the_uploader(web: Any, name: str) -> None:
    # the download kept the uploader's name and extension (cv.exe, cv.html)
    client, application, _user = web
    post_file(client, application, make_pdf(), name=name)
    document = Document.objects.get()
    response = client.get(f"/portal/documents/{document.public_id}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="application-{application.pk}-cv.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
