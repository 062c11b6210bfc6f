"""The page shell: one grouped menu per role, breadcrumbs, styled error pages in the visitor's language,
a favicon."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, RequestFactory

from jpo.accounts.models import Role
from jpo.programme.models import Cycle
from jpo.web import views

pytestmark = pytest.mark.django_db


def _menu(html: str) -> str:
    found = re.search(r'<nav class="side-nav".*?</nav>', html, re.S)
    assert found, "no side menu"
    return found.group(0)


def test_officer_has_one_grouped_menu_beside_the_page(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.OFFICER))
    client.cookies["jpo_language"] = "ja"
    html = client.get("/").content.decode()
    assert html.count('aria-label="メインメニュー"') + html.count('aria-label="Main navigation"') == 1
    menu = _menu(html)
    assert [h for h in re.findall(r'<h2 class="menu-heading">(.*?)</h2>', menu)] == [
        "選考",
        "派遣",
        "統計",
        "システム",
    ]
    for href in ("/admin/", "/selection/", "/programme/cycles/", "/workforce/", "/placement/"):
        assert f'href="{href}"' in menu
    header = re.search(r'<header class="site-header">.*?</header>', html, re.S)
    assert header and "<nav" not in header.group(0)  # the header carries no second menu


def test_each_role_sees_only_its_entries(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.APPLICANT))
    menu = _menu(client.get("/").content.decode())
    assert 'href="/portal/"' in menu and 'href="/admin/"' not in menu and 'href="/workforce/"' not in menu
    client.force_login(make_user(Role.REVIEWER))
    menu = _menu(client.get("/").content.decode())
    assert 'href="/selection/reviews/"' in menu and 'href="/portal/"' not in menu


def test_breadcrumbs_lead_home_from_a_deep_page(client: Client, make_user: Any) -> None:
    Cycle.objects.create(fiscal_year=2026)
    client.force_login(make_user(Role.OFFICER))
    client.cookies["jpo_language"] = "en"
    html = client.get("/selection/cycles/2026/").content.decode()
    trail = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S)
    assert trail
    assert re.findall(r'<a href="([^"]+)">', trail.group(0)) == ["/", "/selection/"]
    section = client.get("/selection/").content.decode()
    assert '<span aria-current="page">Selection</span>' in section


@pytest.mark.parametrize(
    ("language", "heading"), [("ja", "ページが見つかりません"), ("en", "Page not found")]
)
def test_not_found_page_is_styled_in_the_visitors_language(
    client: Client, language: str, heading: str
) -> None:
    client.cookies["jpo_language"] = language
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert f"<h1>{heading}</h1>" in html and 'href="/static/jpo/jpo.css"' in html
    assert f'<html lang="{language}">' in html


def test_forbidden_page_is_styled(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.APPLICANT))
    client.cookies["jpo_language"] = "ja"
    response = client.get("/workforce/")
    assert response.status_code == 403
    assert "<h1>このページを開く権限がありません</h1>" in response.content.decode()


def test_refused_form_is_the_styled_forbidden_page() -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["jpo_language"] = "en"
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "reload the page and send the form again" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"), [("ja", "問題が発生しました"), ("en", "Something went wrong")]
)
def test_server_error_page_needs_neither_database_nor_request_context(
    language: str, heading: str, django_assert_num_queries: Any
) -> None:
    request = RequestFactory().get("/", HTTP_COOKIE=f"jpo_language={language}")
    with django_assert_num_queries(0):
        response = views.handler500(request)
    assert response.status_code == 500
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_error_handlers_are_installed() -> None:
    from jpo import urls

    assert urls.handler403 == "jpo.web.views.handler403"
    assert urls.handler404 == "jpo.web.views.handler404"
    assert urls.handler500 == "jpo.web.views.handler500"


def test_favicon_is_served(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
