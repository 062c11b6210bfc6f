"""Result e-mails: officer templates checked before use, the applicant's language, a record of each
e-mail, and the status change in the same transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from jpo.applications.workflow import Status
from jpo.outbox.models import Email, EmailState
from jpo.outbox.services import emails_send_due
from jpo.outbox.tests.smtp import SMTP_BACKEND, smtp_down, smtp_up
from jpo.selection.models import Notification, NotificationTemplate, Screening
from jpo.selection.services import notifications, screening
from jpo.selection.services.errors import SelectionError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body",
    [
        "Dear {{ applicant_nam }}",  # a typo
        "{% if receipt_number %}{{ secret_field }}{% endif %}",  # inside a branch a sample might not reach
        "Dear {{ applicant_name.upper.nothing }}",  # an attribute that does not exist
        "Dear {{ applicant_name }",  # unclosed
        "{% load static %}{% static 'x' %}",  # no other tag library
        "{% include 'web/base.html' %}",  # no files
    ],
)
def test_a_broken_placeholder_is_refused_and_nothing_is_saved(cycle: Any, officer: Any, body: str) -> None:
    with pytest.raises(SelectionError) as err:
        notifications.notification_template_save(
            expected_version=0,
            cycle=cycle,
            status=Status.SHORTLISTED,
            language="en",
            subject="Result",
            body=body,
            actor=officer,
        )
    assert err.value.field == "body" and err.value.message
    assert not NotificationTemplate.objects.exists()


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("{% debug %}", "“debug” is not allowed"),  # printed every variable in reach
        ("{% lorem 999999 w %}", "“lorem” is not allowed"),  # a megabyte-sized e-mail
        ("{% extends 'web/base.html' %}", "“extends”"),
        ("{% for c in applicant_name %}{{ c }}{% endfor %}", "“for”"),
        ("{% url 'home' %}", "“url”"),
        ("{{ applicant_name|ljust:999999999 }}", "“ljust”"),
        ("Dear {{ applicant_name }}. " + "x" * 20_000, "longer than 20,000 characters"),
    ],
)
def test_templates_are_rendered_in_a_sandbox(cycle: Any, officer: Any, body: str, needle: str) -> None:
    with pytest.raises(SelectionError) as err:
        notifications.notification_template_save(
            expected_version=0,
            cycle=cycle,
            status=Status.SHORTLISTED,
            language="en",
            subject="Result",
            body=body,
            actor=officer,
        )
    assert err.value.field == "body" and needle in err.value.message
    assert not NotificationTemplate.objects.exists()


def test_the_sandbox_keeps_placeholders_conditions_and_text_filters(cycle: Any, officer: Any) -> None:
    body = (
        "Dear {{ applicant_name|upper }},{% if organization %} forwarded to {{ organization }}{% endif %}"
        "{# a note #} {% firstof track 'MOFA' %} {{ cycle|default:'?' }}"
    )
    notifications.notification_template_save(
        expected_version=0,
        cycle=cycle,
        status=Status.SHORTLISTED,
        language="en",
        subject="Result",
        body=body,
        actor=officer,
    )
    assert NotificationTemplate.objects.get().body == body


def test_subject_is_checked_too(cycle: Any, officer: Any) -> None:
    with pytest.raises(SelectionError) as err:
        notifications.notification_template_save(
            expected_version=0,
            cycle=cycle,
            status=Status.SHORTLISTED,
            language="en",
            subject="{{ nope }}",
            body="ok",
            actor=officer,
        )
    assert err.value.field == "subject"


def test_every_default_template_is_valid() -> None:
    for status, by_language in notifications.DEFAULTS.items():
        assert status in notifications.NOTIFY_STATUSES
        for subject, body in by_language.values():
            assert notifications.template_problems(subject) == []
            assert notifications.template_problems(body) == []


def test_results_go_out_in_the_applicants_language_with_a_record(
    make_submitted: Any, cycle: Any, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ja, en = make_submitted(language="ja"), make_submitted(language="en")
    notifications.notification_template_save(
        expected_version=0,
        cycle=cycle,
        status=Status.SCREENED_OUT,
        language="en",
        subject="JPO {{ cycle }}: screening",
        body="Dear {{ applicant_name }}, receipt {{ receipt_number }}: {{ status }}.",
        actor=officer,
    )
    screening.cycle_screen(cycle=cycle)
    for s in Screening.objects.all():
        screening.screening_criterion_override(
            criterion=s.criteria.get(criterion="experience"),
            outcome="failed",
            reason="18 months only",
            actor=officer,
            expected_version=s.version,
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        screening.cycle_screening_apply(cycle=cycle, actor=officer)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    en_mail = by_recipient[en.applicant.user.email]
    assert en_mail.subject == "JPO FY2026: screening"
    assert (
        en_mail.body
        == f"Dear {en.applicant.family_name} {en.applicant.given_name}, receipt {en.receipt_number}: Screened out."
    )
    assert "応募資格" in by_recipient[ja.applicant.user.email].subject
    rows = Notification.objects.select_related("email").order_by("pk")
    assert [(n.email.recipient, n.language, n.email.kind, n.email.state) for n in rows] == [
        (ja.applicant.user.email, "ja", "selection.result", EmailState.SENT),
        (en.applicant.user.email, "en", "selection.result", EmailState.SENT),
    ]
    assert all(n.email.sent_at for n in rows)
    # The sweep (a retried task) sends no result twice.
    results = {n.email.subject for n in rows}
    mail.outbox.clear()
    emails_send_due()
    assert not [m for m in mail.outbox if m.subject in results]


def test_a_template_broken_after_saving_blocks_the_decision_and_the_status(
    make_submitted: Any, cycle: Any, officer: Any
) -> None:
    application = make_submitted()
    screening.cycle_screen(cycle=cycle)
    s = Screening.objects.get()
    screening.screening_criterion_override(
        criterion=s.criteria.get(criterion="experience"),
        outcome="failed",
        reason="x",
        actor=officer,
        expected_version=s.version,
    )
    # Written around the checks (e.g. in the admin): the decision refuses it rather than send garbage.
    NotificationTemplate.objects.create(
        cycle=cycle, status=Status.SCREENED_OUT, language="en", subject="x", body="{{ oops }}"
    )
    with pytest.raises(SelectionError):
        screening.screening_apply_one(
            application=application, actor=officer, expected_version=application.version
        )
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert not Notification.objects.exists()


def test_with_the_mail_server_down_the_decision_succeeds_and_the_outbox_retries_it(
    make_submitted: Any,
    cycle: Any,
    officer: Any,
    settings: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    application = make_submitted()
    screening.cycle_screen(cycle=cycle)
    s = Screening.objects.get()
    screening.screening_criterion_override(
        criterion=s.criteria.get(criterion="experience"),
        outcome="failed",
        reason="18 months only",
        actor=officer,
        expected_version=s.version,
    )
    application.refresh_from_db()
    settings.EMAIL_BACKEND = SMTP_BACKEND
    client.force_login(officer)
    with smtp_down(), django_capture_on_commit_callbacks(execute=True):  # the worker tries at once
        response = client.post(
            reverse("selection:screening_apply_one", args=[application.pk]), {"version": application.version}
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SCREENED_OUT  # committed although no e-mail could go out
    notification = Notification.objects.select_related("email").get(application=application)
    email = notification.email
    assert (email.state, email.attempts, email.recipient) == (
        EmailState.PENDING,
        1,
        application.applicant.user.email,
    )
    assert "Connection refused" in email.last_error and email.next_attempt_at > email.created_at
    page = client.get(reverse("selection:notifications", args=[cycle.fiscal_year])).content.decode()
    assert email.subject in page and "1 failed attempt" in page
    with smtp_up() as received:
        emails_send_due(now=email.next_attempt_at)  # the sweep of the task worker, a minute later
    assert [application.applicant.user.email] in [to for _, to, _ in received]
    email.refresh_from_db()
    assert email.state == EmailState.SENT and email.sent_at


def test_a_failed_send_is_recorded_and_can_be_resent(
    make_submitted: Any, cycle: Any, officer: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    application = make_submitted()
    notification = notifications.notification_prepare(application=application, status=Status.SHORTLISTED)
    Email.objects.filter(pk=notification.email_id).update(
        state=EmailState.FAILED, attempts=6, last_error="ConnectionRefusedError"
    )  # what six refused attempts leave
    notification.refresh_from_db()
    with pytest.raises(SelectionError):  # only a failed e-mail is queued again
        notifications.notification_resend(
            notification=Notification.objects.create(
                application=application,
                status_reached=Status.SHORTLISTED,
                language="en",
                email=Email.objects.create(
                    kind="selection.result",
                    recipient="x@example.jp",
                    subject="s",
                    body="b",
                    state=EmailState.SENT,
                    next_attempt_at=notification.email.next_attempt_at,
                ),
            ),
            actor=officer,
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notification_resend(notification=notification, actor=officer)
    notification.email.refresh_from_db()
    assert notification.email.state == EmailState.SENT and notification.email.attempts == 1
    assert len(mail.outbox) == 1


def test_the_emails_page_reads_the_outbox_with_constant_queries(
    make_submitted: Any, cycle: Any, officer: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    application = make_submitted()
    url = reverse("selection:notifications", args=[cycle.fiscal_year])
    client.force_login(officer)
    for count in (3, 120):
        while Notification.objects.count() < count:
            notifications.notification_prepare(application=application, status=Status.SHORTLISTED)
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200
    page = response.content.decode()
    assert "Rows 1–50 of 120" in page and "Page 1 of 3" in page  # paginated, the total shown


@pytest.mark.parametrize(
    "body",
    [
        "",  # the default text
        "{{ applicant_name|upper }} {% if organization %}{{ organization }}{% endif %} {{ receipt_number }}",
    ],
)
def test_bulk_e_mails_read_exactly_as_one_by_one(
    make_submitted: Any, cycle: Any, officer: Any, body: str
) -> None:
    if body:
        for language in ("en", "ja"):
            notifications.notification_template_save(
                cycle=cycle,
                status=Status.SCREENED_OUT,
                language=language,
                subject="{{ cycle }} {{ status }}",
                body=body,
                actor=officer,
                expected_version=0,
            )
    apps = [make_submitted(language="en"), make_submitted(language="ja")]
    ids = notifications.notifications_prepare_bulk(
        application_ids=[a.pk for a in apps], status=Status.SCREENED_OUT
    )
    bulk = {n.application_id: n.email for n in Notification.objects.filter(email_id__in=ids)}
    for application in apps:
        one = notifications.notification_prepare(application=application, status=Status.SCREENED_OUT)
        assert (bulk[application.pk].subject, bulk[application.pk].body) == (
            one.email.subject,
            one.email.body,
        )
        assert bulk[application.pk].recipient == one.email.recipient
        assert bulk[application.pk].state == EmailState.PENDING


@pytest.mark.parametrize("language", ["en", "ja"])
def test_result_emails_write_each_name_in_its_order(make_submitted: Any, language: str) -> None:
    from jpo.applications.models import Applicant

    latin, japanese = make_submitted(language=language), make_submitted(language=language)
    Applicant.objects.filter(pk=latin.applicant_id).update(
        family_name="Banks", given_name="Susan", family_name_kana="", given_name_kana=""
    )
    Applicant.objects.filter(pk=japanese.applicant_id).update(
        family_name="山田", given_name="花子", family_name_kana="ヤマダ", given_name_kana="ハナコ"
    )
    ids = notifications.notifications_prepare_bulk(
        application_ids=[latin.pk, japanese.pk], status=Status.SCREENED_OUT
    )
    bulk = {n.application_id: n.email.body for n in Notification.objects.filter(email_id__in=ids)}
    for application, written in ((latin, "Susan Banks"), (japanese, "山田 花子")):
        application.refresh_from_db()
        one = notifications.notification_prepare(application=application, status=Status.SCREENED_OUT)
        assert written in one.email.body and written in bulk[application.pk]
    assert "Banks Susan" not in bulk[latin.pk]
