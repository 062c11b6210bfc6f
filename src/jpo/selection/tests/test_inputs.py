"""Bad numbers, ids, dates and links typed into the officer's selection pages: a 4xx with a message,
nothing written, never a 500 (each case below answered 500 or stored a broken value before)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from jpo.accounts.models import Role
from jpo.selection.models import ConflictOfInterest, InterviewSlot, Rubric
from jpo.selection.services import reviews, stage_two
from jpo.selection.services.errors import SelectionError
from jpo.selection.tests.conftest import jst

pytestmark = pytest.mark.django_db

RUBRIC = {
    "criteria-1-name": "Motivation",
    "criteria-1-weight": "1",
    "scale_min": "1",
    "scale_max": "5",
    "reviewers_per_application": "2",
    "interview_scale_min": "1",
    "interview_scale_max": "5",
    "written_task_max": "100",
}


@pytest.mark.parametrize(
    "weight", ["1e999999", "Infinity", "NaN", "sNaN", "-1", "0", "1000", "0.001", "1" * 50]
)
def test_rubric_page_refuses_weights_that_are_not_finite_or_out_of_range(
    client: Any, cycle: Any, officer: Any, weight: str
) -> None:
    client.force_login(officer)
    response = client.post(reverse("selection:rubric", args=[2026]), {**RUBRIC, "criteria-1-weight": weight})
    assert response.status_code == 400
    assert "the weight must be a number from 0.01 to 999.99" in response.content.decode()
    assert not Rubric.objects.exists()
    # and the page still opens afterwards
    assert client.get(reverse("selection:rubric", args=[2026])).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("scale_max", "99999999999999999999", "Highest score"),
        ("written_task_max", "40000", "Highest written-task score"),
        ("reviewers_per_application", "", "Reviewers per application"),
        ("interview_scale_min", "two", "Lowest interview score"),
    ],
)
def test_rubric_page_refuses_scales_out_of_range(
    client: Any, cycle: Any, officer: Any, field: str, value: str, label: str
) -> None:
    client.force_login(officer)
    response = client.post(
        reverse("selection:rubric", args=[2026]), {**RUBRIC, field: value}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f"{label}: give a whole number from 0 to 1000" in body
    assert f'href="#id_{field}"' in body and "Nothing was saved." in body
    assert not Rubric.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"criteria-2-weight": "2"}, "Criterion 2: give a name."),
        ({"criteria-1-name": "M" * 201}, "Criterion 1: the name is longer than 200 characters."),
        ({"criteria-1-name": "", "criteria-1-weight": ""}, "Criteria: give at least one criterion."),
        ({"scale_min": "5", "scale_max": "5"}, "Highest score: must be above the lowest score."),
    ],
)
def test_rubric_page_refuses_bad_rows_and_keeps_the_saved_rubric_whole(
    client: Any, cycle: Any, officer: Any, changes: dict[str, str], message: str
) -> None:
    client.force_login(officer)
    url = reverse("selection:rubric", args=[2026])
    saved = {**RUBRIC, "criteria-2-name": "Experience", "criteria-2-weight": "3", "blind": "on"}
    assert client.post(url, saved).status_code == 302
    before = list(Rubric.objects.get().criteria.values_list("name", "weight"))
    posted = {**saved, "criteria-2-name": "", "criteria-2-weight": "", **changes}
    response = client.post(url, posted, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    rubric = Rubric.objects.get()
    assert list(rubric.criteria.values_list("name", "weight")) == before and rubric.scale_max == 5
    # what was typed is shown again, not the saved rubric
    assert f'value="{posted["criteria-1-name"]}"' in response.content.decode()
    assert 'value="Experience"' not in response.content.decode()


def test_rubric_page_messages_are_in_japanese_too(client: Any, cycle: Any, officer: Any) -> None:
    client.force_login(officer)
    client.cookies["jpo_language"] = "ja"
    response = client.post(
        reverse("selection:rubric", args=[2026]), {**RUBRIC, "criteria-1-weight": "x", "scale_max": "-1"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "評価項目 1：重みは 0.01 から 999.99 までの数値で入力してください。" in body
    assert "：0 から 1000 までの整数を入力してください。" in body
    assert not Rubric.objects.exists()


def test_rubric_page_shows_the_saved_rubric(client: Any, cycle: Any, officer: Any) -> None:
    client.force_login(officer)
    url = reverse("selection:rubric", args=[2026])
    assert (
        client.post(url, {**RUBRIC, "criteria-1-weight": "2.5", "scale_max": "7", "blind": "on"}).status_code
        == 302
    )
    rubric = Rubric.objects.get()
    assert rubric.scale_max == 7 and rubric.blind
    body = client.get(url).content.decode()
    assert 'name="scale_max" type="number" min="1" required value="7"' in body
    assert 'value="Motivation"' in body and 'value="2.50"' in body and 'name="blind" checked' in body


@pytest.mark.parametrize(
    "weight", [Decimal("Infinity"), Decimal("NaN"), Decimal("1e999999"), Decimal("0.005")]
)
def test_rubric_service_refuses_weights_out_of_range(cycle: Any, officer: Any, weight: Decimal) -> None:
    with pytest.raises(SelectionError) as err:
        reviews.rubric_save(
            cycle=cycle,
            actor=officer,
            criteria=[reviews.CriterionInput(name="A", weight=weight)],
            scale_min=1,
            scale_max=5,
            reviewers_per_application=2,
            blind=False,
        )
    assert err.value.field == "criteria-1-weight"
    assert not Rubric.objects.exists()


def test_non_numeric_ids_are_refused_not_500(
    client: Any, cycle: Any, officer: Any, make_submitted: Any, make_user: Any
) -> None:
    application = make_submitted()
    client.force_login(officer)
    forward = client.post(reverse("selection:forward_one", args=[application.pk]), {"organization": "abc"})
    assert forward.status_code == 400 and "Organization: choose one." in forward.content.decode()
    assign = client.post(reverse("selection:reviews_assign", args=[2026]), {"reviewers": ["1", "x"]})
    assert assign.status_code == 400 and "Reviewers: choose from the list." in assign.content.decode()
    conflict = client.post(
        reverse("selection:conflicts", args=[2026]),
        {"reviewer": "9" * 40, "receipt_number": application.receipt_number, "reason": "colleague"},
    )
    assert conflict.status_code == 400 and not ConflictOfInterest.objects.exists()
    slot = client.post(
        reverse("selection:slot_create", args=[2026]),
        {"starts_at": "2026-05-20T10:00", "ends_at": "2026-05-20T11:00", "panel": ["me"]},
    )
    assert slot.status_code == 400 and "Panel: choose from the list." in slot.content.decode()
    client.force_login(application.applicant.user)
    confirm = client.post(reverse("selection:slot_confirm", args=[application.pk]), {"slot": "abc"})
    assert confirm.status_code == 404
    assert not InterviewSlot.objects.exists()


def test_impossible_slot_dates_are_refused(client: Any, cycle: Any, officer: Any, make_user: Any) -> None:
    reviewer = make_user(Role.REVIEWER)
    client.force_login(officer)
    response = client.post(
        reverse("selection:slot_create", args=[2026]),
        {"starts_at": "2026-02-30T10:00", "ends_at": "2026-02-30T11:00", "panel": [reviewer.pk]},
    )
    assert response.status_code == 400
    assert "Starts (Tokyo time): give a date and time" in response.content.decode()
    assert not InterviewSlot.objects.exists()
    client.cookies["jpo_language"] = "ja"
    japanese = client.post(
        reverse("selection:slot_create", args=[2026]),
        {"starts_at": "2026-05-20T10:00", "ends_at": "soon", "panel": [reviewer.pk]},
    ).content.decode()
    assert "終了（東京時間）：日時を入力してください" in japanese and "ends_at：" not in japanese


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://meet.example.jp/a",
        "https://meet.example.jp/" + "a" * 500,
        "https://meet.example.jp/a b",
    ],
)
def test_meeting_links_are_https_only(
    client: Any, cycle: Any, officer: Any, make_user: Any, url: str
) -> None:
    reviewer = make_user(Role.REVIEWER)
    with pytest.raises(SelectionError) as err:
        stage_two.slot_create(
            cycle=cycle,
            actor=officer,
            starts_at=jst(2026, 5, 20, 10),
            ends_at=jst(2026, 5, 20, 11),
            meeting_url=url,
            panel=[reviewer],
        )
    assert err.value.field == "meeting_url"
    client.force_login(officer)
    response = client.post(
        reverse("selection:slot_create", args=[2026]),
        {
            "starts_at": "2026-05-20T10:00",
            "ends_at": "2026-05-20T11:00",
            "panel": [reviewer.pk],
            "meeting_url": url,
        },
    )
    assert response.status_code == 400 and "https://" in response.content.decode()
    assert not InterviewSlot.objects.exists()


def test_nul_characters_in_form_fields_are_refused(client: Any, cycle: Any, officer: Any) -> None:
    client.force_login(officer)
    response = client.post(
        reverse("selection:rubric", args=[2026]), {**RUBRIC, "criteria-1-name": "Moti\x00vation"}
    )
    assert response.status_code == 400
    assert "criteria-1-name" in response.content.decode() and "NUL" in response.content.decode()
    assert not Rubric.objects.exists()
    assert client.get(reverse("selection:rubric", args=[2026]), {"q": "a\x00"}).status_code == 400
