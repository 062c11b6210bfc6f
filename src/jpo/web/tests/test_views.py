from __future__ import annotations

from typing import Any

import pytest
from django.db.utils import OperationalError

from jpo.accounts.models import Role
from jpo.programme.models import Cycle


@pytest.mark.django_db
def test_healthz_reports_database_ok(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_reports_unavailable_database(client: Any, monkeypatch: Any) -> None:
    from django.db.backends.utils import CursorWrapper

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("database is down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.django_db
def test_home_speaks_the_chosen_language(client: Any) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Junior Professional Officer programme" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert "JPO派遣制度" in client.get("/").content.decode()


@pytest.mark.django_db
def test_navigation_depends_on_role(client: Any, make_user: Any) -> None:
    officer = make_user(Role.OFFICER)
    client.force_login(officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'href="/admin/"' in client.get("/").content.decode()
    applicant = make_user(Role.APPLICANT)
    client.force_login(applicant)
    assert 'href="/admin/"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_officer_home_lists_cycles_in_constant_queries(
    client: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(make_user(Role.OFFICER))
    Cycle.objects.create(fiscal_year=2020)
    client.get("/")  # warm the session and language caches
    with django_assert_max_num_queries(8) as few:
        client.get("/")
    for fiscal_year in range(2010, 2020):
        Cycle.objects.create(fiscal_year=fiscal_year)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/")
    assert "FY2019" in response.content.decode()


@pytest.mark.django_db
def test_visitors_find_sign_up_and_password_reset(client: Any) -> None:
    assert 'href="/accounts/signup/"' in client.get("/").content.decode()
    login = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/signup/"' in login and 'href="/accounts/password-reset/"' in login
