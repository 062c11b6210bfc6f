from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from jpo.accounts.models import Role, User
from jpo.programme.models import Organization, OrganizationKind

HEADER = "reference_date,organization,nationality,category,grade,sex,headcount,citation"


def make_user(role: str, username: str | None = None) -> User:
    name = username or role
    return User.objects.create_user(username=name, email=f"{name}@example.jp", password="x" * 12, role=role)


@pytest.fixture
def officer(db: Any) -> User:
    return make_user(Role.OFFICER)


@pytest.fixture
def analyst(db: Any) -> User:
    return make_user(Role.ANALYST)


@pytest.fixture
def applicant(db: Any) -> User:
    return make_user(Role.APPLICANT)


@pytest.fixture
def organizations(db: Any) -> dict[str, Organization]:
    return {
        code: Organization.objects.create(
            code=code, name_en=code, name_ja=code, kind=OrganizationKind.FUND_PROGRAMME
        )
        for code in ("UNDP", "UNICEF", "UN-WOMEN")
    }


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
