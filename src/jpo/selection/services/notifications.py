"""Result e-mails: officer-editable templates (a sandboxed subset of Django's template syntax, see
`jpo.safety.mail`), checked before they are saved or used. Each e-mail goes through the outbox
(`jpo.outbox`: sent after commit, retried with back-off, recorded), written in the same transaction as
the status change, with a `Notification` row saying which result of which application it announced.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context
from django.template.base import TextNode, Variable, VariableNode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.applications.models import Application
from jpo.applications.workflow import Status
from jpo.core.names import person_name
from jpo.outbox.models import EmailState
from jpo.outbox.services import email_queue, email_requeue, emails_queue_bulk
from jpo.programme.models import Cycle
from jpo.safety.mail import TemplateRefused, compile_template, sandboxed_engine
from jpo.selection.models import Notification, NotificationTemplate
from jpo.selection.services.errors import Conflict, SelectionError

# The results that send an e-mail (the status an application reaches).
NOTIFY_STATUSES: tuple[str, ...] = (
    Status.SCREENED_OUT,
    Status.SHORTLISTED,
    Status.NOT_SHORTLISTED,
    Status.FORWARDED,
    Status.INTERVIEW,
    Status.PASSED,
    Status.NOT_PASSED,
    Status.RECOMMENDED,
    Status.SELECTED,
    Status.NOT_SELECTED,
)

# The placeholders a template may use, with what they mean (shown on the edit page).
VARIABLES: dict[str, Any] = {
    "applicant_name": gettext_lazy("Full name (Japanese names family name first, others given name first)"),
    "family_name": gettext_lazy("Family name"),
    "given_name": gettext_lazy("Given name"),
    "receipt_number": gettext_lazy("Receipt number of the application"),
    "cycle": gettext_lazy("Cycle, e.g. FY2026"),
    "status": gettext_lazy("The result reached, in the e-mail's language"),
    "track": gettext_lazy("Selection track, in the e-mail's language"),
    "organization": gettext_lazy(
        "Organization the application was forwarded to (organization track), or empty"
    ),
    "portal_url": gettext_lazy("Link to the applicant's status page"),
    "stage_two_url": gettext_lazy("Link to the page where the applicant picks an interview slot"),
}

SAMPLE_CONTEXT: dict[str, str] = {
    "applicant_name": "山田 花子",
    "family_name": "山田",
    "given_name": "花子",
    "receipt_number": "JPO-2026-000001",
    "cycle": "FY2026",
    "status": "Shortlisted",
    "track": "MOFA track",
    "organization": "UNDP",
    "portal_url": "https://jpo.example.jp/portal/applications/1/",
    "stage_two_url": "https://jpo.example.jp/selection/my/",
}

_INVALID = "\x00{unknown:%s}\x00"
# The sandbox: placeholders, a few tags and filters; no {% debug %}, {% lorem %}, {% load %}, {% include %}.
_ENGINE = sandboxed_engine(string_if_invalid=_INVALID)

_EN_FOOTER = "\n\nJPO programme office, Ministry of Foreign Affairs of Japan\n"
_JA_FOOTER = "\n\n外務省 JPO派遣制度 担当\n"

DEFAULTS: dict[str, dict[str, tuple[str, str]]] = {
    Status.SCREENED_OUT: {
        "en": (
            "JPO {{ cycle }}: result of the eligibility screening",
            "Dear {{ applicant_name }},\n\nThank you for applying to the JPO programme ({{ cycle }}, receipt "
            "{{ receipt_number }}). After checking your application against the published eligibility "
            "requirements we regret that it cannot go further in this cycle.\n\nDetails: {{ portal_url }}",
        ),
        "ja": (
            "JPO {{ cycle }}：応募資格の審査結果",
            "{{ applicant_name }} 様\n\nJPO派遣制度（{{ cycle }}、受付番号 {{ receipt_number }}）にご応募いただき"
            "ありがとうございました。応募資格を確認した結果、今回の選考ではお進みいただけないこととなりました。"
            "\n\n詳細：{{ portal_url }}",
        ),
    },
    Status.SHORTLISTED: {
        "en": (
            "JPO {{ cycle }}: you passed the document review",
            "Dear {{ applicant_name }},\n\nWe are pleased to tell you that your application "
            "({{ receipt_number }}, {{ track }}) passed the first stage (document review).\n"
            "We will write to you about the second stage.\n\nYour status: {{ portal_url }}",
        ),
        "ja": (
            "JPO {{ cycle }}：第一次選考（書類審査）合格のお知らせ",
            "{{ applicant_name }} 様\n\n受付番号 {{ receipt_number }}（{{ track }}）の応募は第一次選考（書類審査）"
            "に合格しました。第二次選考については追ってご連絡します。\n\n選考状況：{{ portal_url }}",
        ),
    },
    Status.NOT_SHORTLISTED: {
        "en": (
            "JPO {{ cycle }}: result of the document review",
            "Dear {{ applicant_name }},\n\nThank you for applying ({{ receipt_number }}). We regret that your "
            "application was not selected in the first stage (document review) of this cycle.\n\n"
            "Your status: {{ portal_url }}",
        ),
        "ja": (
            "JPO {{ cycle }}：第一次選考（書類審査）の結果",
            "{{ applicant_name }} 様\n\nご応募（受付番号 {{ receipt_number }}）ありがとうございました。"
            "誠に残念ながら、第一次選考（書類審査）を通過されませんでした。\n\n選考状況：{{ portal_url }}",
        ),
    },
    Status.FORWARDED: {
        "en": (
            "JPO {{ cycle }}: your application was forwarded to {{ organization }}",
            "Dear {{ applicant_name }},\n\nYou passed the document review. As you applied in the "
            "organization track, your application ({{ receipt_number }}) was forwarded to "
            "{{ organization }}, which runs the second stage and will contact you.\n\n"
            "Your status: {{ portal_url }}",
        ),
        "ja": (
            "JPO {{ cycle }}：{{ organization }} への推薦のお知らせ",
            "{{ applicant_name }} 様\n\n第一次選考（書類審査）に合格しました。国際機関選考枠でのご応募のため、"
            "応募書類（受付番号 {{ receipt_number }}）を {{ organization }} に送付しました。第二次選考は"
            "{{ organization }} が行い、同機関から連絡があります。\n\n選考状況：{{ portal_url }}",
        ),
    },
    Status.INTERVIEW: {
        "en": (
            "JPO {{ cycle }}: choose your interview time",
            "Dear {{ applicant_name }},\n\nThe second stage (an English written task and an online "
            "interview) is open. Please choose an interview time here: {{ stage_two_url }}",
        ),
        "ja": (
            "JPO {{ cycle }}：面接日時の選択のお願い",
            "{{ applicant_name }} 様\n\n第二次選考（英語の筆記課題とオンライン面接）のご案内です。"
            "次のページで面接日時を選択してください：{{ stage_two_url }}",
        ),
    },
    Status.PASSED: {
        "en": (
            "JPO {{ cycle }}: you passed the second stage",
            "Dear {{ applicant_name }},\n\nCongratulations: you passed the second stage ({{ receipt_number }}). "
            "MOFA will now recommend you to international organizations.\n\nYour status: {{ portal_url }}",
        ),
        "ja": (
            "JPO {{ cycle }}：第二次選考合格のお知らせ",
            "{{ applicant_name }} 様\n\n第二次選考に合格しました（受付番号 {{ receipt_number }}）。"
            "今後、外務省から国際機関へ推薦します。\n\n選考状況：{{ portal_url }}",
        ),
    },
    Status.NOT_PASSED: {
        "en": (
            "JPO {{ cycle }}: result of the second stage",
            "Dear {{ applicant_name }},\n\nWe regret that you did not pass the second stage "
            "({{ receipt_number }}). Thank you for your interest in the JPO programme.\n\n"
            "Your status: {{ portal_url }}",
        ),
        "ja": (
            "JPO {{ cycle }}：第二次選考の結果",
            "{{ applicant_name }} 様\n\n誠に残念ながら、第二次選考を通過されませんでした（受付番号 "
            "{{ receipt_number }}）。JPO派遣制度へのご関心に感謝いたします。\n\n選考状況：{{ portal_url }}",
        ),
    },
    Status.RECOMMENDED: {
        "en": (
            "JPO {{ cycle }}: you were recommended to international organizations",
            "Dear {{ applicant_name }},\n\nMOFA recommended you ({{ receipt_number }}) to international "
            "organizations, which will review your application.\n\nYour status: {{ portal_url }}",
        ),
        "ja": (
            "JPO {{ cycle }}：国際機関への推薦のお知らせ",
            "{{ applicant_name }} 様\n\n外務省はあなた（受付番号 {{ receipt_number }}）を国際機関に推薦しました。"
            "今後、各機関が審査を行います。\n\n選考状況：{{ portal_url }}",
        ),
    },
    Status.SELECTED: {
        "en": (
            "JPO {{ cycle }}: selected by {{ organization }}",
            "Dear {{ applicant_name }},\n\nCongratulations: {{ organization }} selected you "
            "({{ receipt_number }}).\n\nYour status: {{ portal_url }}",
        ),
        "ja": (
            "JPO {{ cycle }}：{{ organization }} による選考結果（合格）",
            "{{ applicant_name }} 様\n\n{{ organization }} の選考に合格しました（受付番号 {{ receipt_number }}）。"
            "\n\n選考状況：{{ portal_url }}",
        ),
    },
    Status.NOT_SELECTED: {
        "en": (
            "JPO {{ cycle }}: result of the organization's selection",
            "Dear {{ applicant_name }},\n\nWe regret that you were not selected ({{ receipt_number }}). "
            "Thank you for your interest in the JPO programme.\n\nYour status: {{ portal_url }}",
        ),
        "ja": (
            "JPO {{ cycle }}：国際機関による選考の結果",
            "{{ applicant_name }} 様\n\n誠に残念ながら、今回は採用に至りませんでした（受付番号 "
            "{{ receipt_number }}）。\n\n選考状況：{{ portal_url }}",
        ),
    },
}


def _footer(language: str) -> str:
    return _JA_FOOTER if language == "ja" else _EN_FOOTER


def template_problems(text: str) -> list[str]:
    """Why `text` cannot be used (empty list: it can): syntax errors and unknown placeholders.

    Checks every `{{ variable }}` in the template (also inside `{% if %}` branches that a sample
    would not reach) and renders it against a sample context to catch unknown attributes.
    """
    try:
        template = compile_template(text, engine=_ENGINE)
    except TemplateRefused as error:
        return [str(error)]
    problems: list[str] = []
    for text_node in template.nodelist.get_nodes_by_type(TextNode):
        for mark in ("{{", "}}", "{%", "%}"):
            if mark in text_node.s:  # type: ignore[attr-defined]
                snippet = text_node.s[max(text_node.s.index(mark) - 20, 0) :][:40]  # type: ignore[attr-defined]
                problems.append(
                    _("Unbalanced “%(mark)s” near “%(snippet)s”.") % {"mark": mark, "snippet": snippet}
                )
                break
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        var = node.filter_expression.var  # type: ignore[attr-defined]
        if isinstance(var, Variable) and var.lookups:
            root = var.lookups[0]
            if root not in VARIABLES:
                problems.append(_("Unknown placeholder {{ %(name)s }}.") % {"name": var.var})
    try:
        rendered = template.render(Context(SAMPLE_CONTEXT))
    except Exception as error:  # a template tag failing at render time (e.g. a missing include)
        return [*problems, _("The template cannot be rendered: %(error)s") % {"error": error}]
    start = 0
    while (pos := rendered.find("\x00{unknown:", start)) != -1:
        end = rendered.find("}\x00", pos)
        name = rendered[pos + len("\x00{unknown:") : end]
        message = _("Unknown placeholder {{ %(name)s }}.") % {"name": name}
        if message not in problems:
            problems.append(message)
        start = end + 2
    return problems


def _render(text: str, context: dict[str, str]) -> str:
    problems = template_problems(text)
    if problems:
        raise SelectionError(" ".join(problems), field="body")
    return compile_template(text, engine=_ENGINE).render(Context(context))


def notification_template_get(*, cycle: Cycle, status: str, language: str) -> tuple[str, str]:
    """(subject, body) for a result in a language: the officer's template, else the default."""
    row = NotificationTemplate.objects.filter(cycle=cycle, status=status, language=language).first()
    if row is not None:
        return row.subject, row.body
    subject, body = DEFAULTS[status][language if language in ("en", "ja") else "ja"]
    return subject, body + _footer(language)


def notification_template_version(*, cycle: Cycle, status: str, language: str) -> int:
    """The version an edit form starts from (0: the default text, no template saved yet)."""
    row = NotificationTemplate.objects.filter(cycle=cycle, status=status, language=language)
    return row.values_list("version", flat=True).first() or 0


def notification_template_save(
    *,
    cycle: Cycle,
    status: str,
    language: str,
    subject: str,
    body: str,
    actor: User,
    expected_version: int,
) -> NotificationTemplate:
    """Save an officer's template; refuse (nothing written) one with a broken placeholder, or one edited
    from a version another officer has saved over since (`expected_version`: what the form was read at)."""
    if status not in NOTIFY_STATUSES:
        raise SelectionError(_("There is no e-mail for this result."), field="status")
    if language not in dict(settings.LANGUAGES):
        raise SelectionError(_("Unknown language."), field="language")
    subject = subject.strip()
    if not subject:
        raise SelectionError(_("Subject: write a subject."), field="subject")
    if "\n" in subject or "\r" in subject:
        raise SelectionError(_("Subject: one line only."), field="subject")
    if not body.strip():
        raise SelectionError(_("Body: write the text of the e-mail."), field="body")
    for field, text, label in (("subject", subject, _("Subject")), ("body", body, _("Body"))):
        problems = template_problems(text)
        if problems:
            raise SelectionError(f"{label}: {' '.join(problems)}", field=field)
    with transaction.atomic():
        row = (
            NotificationTemplate.objects.select_for_update()
            .filter(cycle=cycle, status=status, language=language)
            .first()
        )
        current = row.version if row is not None else 0
        if current != expected_version:
            raise Conflict(
                _(
                    "Another officer saved this template while you were editing it. Your text was not saved: "
                    "reload the page to see theirs, then make your change again."
                )
            )
        created = row is None
        if row is None:
            row = NotificationTemplate(cycle=cycle, status=status, language=language, version=0)
        row.subject, row.body, row.updated_by, row.version = subject, body, actor, current + 1
        row.save()
        audit_record(
            actor=actor,
            action="selection.template_saved",
            target=row,
            data={"status": status, "language": language, "created": created},
        )
    return row


def _recipient(application: Application) -> tuple[str, str]:
    applicant = application.applicant
    user = applicant.user
    if user is not None:
        return user.email, user.preferred_language or settings.LANGUAGE_CODE
    return applicant.email, settings.LANGUAGE_CODE


def notification_context(*, application: Application, status: str, language: str) -> dict[str, str]:
    from django.utils import translation

    applicant = application.applicant
    base = settings.JPO_BASE_URL
    with translation.override(language):
        status_label = str(Status(status).label)
        track_label = str(application.track.get_kind_display())
    return {
        "applicant_name": applicant.full_name,
        "family_name": applicant.family_name,
        "given_name": applicant.given_name,
        "receipt_number": application.receipt_number or "",
        "cycle": application.cycle.code,
        "status": status_label,
        "track": track_label,
        "organization": application.forwarded_to.code if application.forwarded_to_id else "",  # type: ignore[union-attr]
        "portal_url": f"{base}/portal/applications/{application.pk}/",
        "stage_two_url": f"{base}/selection/my/",
    }


KIND = "selection.result"


def notification_prepare(*, application: Application, status: str) -> Notification:
    """Render the e-mail for a result in the applicant's language and queue it in the outbox.

    Call inside the transaction of the status change: the e-mail is sent after it commits (and retried
    if the mail server is down). Raises SelectionError if the template cannot be rendered (then the
    whole decision is refused).
    """
    recipient, language = _recipient(application)
    subject_t, body_t = notification_template_get(cycle=application.cycle, status=status, language=language)
    context = notification_context(application=application, status=status, language=language)
    subject = " ".join(_render(subject_t, context).split())[:200]
    body = _render(body_t, context)
    with transaction.atomic():
        (email,) = email_queue(recipients=[recipient], subject=subject, body=body, kind=KIND)
        return Notification.objects.create(
            application=application, status_reached=status, language=language, email=email
        )


def _plain_parts(template: Any) -> list[tuple[bool, str]] | None:
    """A template made only of text and bare `{{ placeholder }}`s as (is placeholder, text or name);
    None when it uses anything else (a filter, a tag): then Django renders it. Same output either way:
    the sandbox does not escape, and every placeholder's value is a string."""
    parts: list[tuple[bool, str]] = []
    for node in template.nodelist:
        if isinstance(node, TextNode):
            parts.append((False, node.s))
            continue
        expression = getattr(node, "filter_expression", None)
        var = getattr(expression, "var", None)
        if (
            not isinstance(node, VariableNode)
            or expression.filters  # type: ignore[union-attr]
            or not isinstance(var, Variable)
            or not var.lookups
            or len(var.lookups) != 1
        ):
            return None
        parts.append((True, var.lookups[0]))
    return parts


class _Compiled:
    """A checked template, rendered by plain joining when it allows it (`_plain_parts`)."""

    def __init__(self, text: str) -> None:
        problems = template_problems(text)
        if problems:
            raise SelectionError(" ".join(problems), field="body")
        self.template = compile_template(text, engine=_ENGINE)
        self.parts = _plain_parts(self.template)

    def render(self, context: dict[str, str]) -> str:
        if self.parts is None:
            return self.template.render(Context(context))
        return "".join(context[text] if is_var else text for is_var, text in self.parts)


def notifications_prepare_bulk(*, application_ids: Sequence[int], status: str) -> list[int]:
    """`notification_prepare` for many applications reaching the same result: each template is checked
    and compiled once per cycle and language, the e-mails and their Notification rows inserted in bulk
    (the outbox sends them after commit). Returns the e-mails' ids. Call inside the transaction of the
    status changes; raises SelectionError (nothing queued) if a template cannot be rendered."""
    from django.utils import translation

    from jpo.core.bulksql import id_set, ids_reserve, rows_insert
    from jpo.programme.models import TrackKind

    if not application_ids:
        return []
    rows = (
        Application.objects.filter(pk__in=id_set(application_ids))
        .order_by("pk")
        .values_list(
            "pk",
            "applicant__family_name",
            "applicant__given_name",
            "applicant__family_name_kana",
            "applicant__given_name_kana",
            "applicant__email",
            "applicant__user_id",
            "applicant__user__email",
            "applicant__user__preferred_language",
            "receipt_number",
            "cycle_id",
            "track__kind",
            "forwarded_to__code",
        )
    )
    base = settings.JPO_BASE_URL
    cycles = {c.pk: c for c in Cycle.objects.filter(pk__in=rows.values("cycle_id").order_by())}
    compiled: dict[tuple[int, str], tuple[_Compiled, _Compiled]] = {}
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    messages: list[tuple[str, str, str]] = []
    links: list[tuple[int, str]] = []
    for (
        pk,
        family,
        given,
        family_kana,
        given_kana,
        email,
        user_id,
        user_email,
        user_language,
        receipt,
        cycle_id,
        kind,
        org,
    ) in rows:
        if user_id is not None:
            recipient, language = user_email, user_language or settings.LANGUAGE_CODE
        else:
            recipient, language = email, settings.LANGUAGE_CODE
        if not (recipient and recipient.strip()):
            continue  # no address: nothing to queue (as email_queue)
        cycle = cycles[cycle_id]
        if (cycle_id, language) not in compiled:
            subject_t, body_t = notification_template_get(cycle=cycle, status=status, language=language)
            compiled[(cycle_id, language)] = (_Compiled(subject_t), _Compiled(body_t))
        if (kind, language) not in labels:
            with translation.override(language):
                labels[(kind, language)] = (str(Status(status).label), str(TrackKind(kind).label))
        status_label, track_label = labels[(kind, language)]
        context = {
            "applicant_name": person_name(family, given, family_kana, given_kana),
            "family_name": family,
            "given_name": given,
            "receipt_number": receipt or "",
            "cycle": cycle.code,
            "status": status_label,
            "track": track_label,
            "organization": org or "",
            "portal_url": f"{base}/portal/applications/{pk}/",
            "stage_two_url": f"{base}/selection/my/",
        }
        subject_c, body_c = compiled[(cycle_id, language)]
        messages.append(
            (recipient, " ".join(subject_c.render(context).split())[:200], body_c.render(context))
        )
        links.append((pk, language))
    with transaction.atomic():
        emails = emails_queue_bulk(messages=messages, kind=KIND)
        rows_insert(
            Notification,
            ["id", "application_id", "status_reached", "language", "email_id"],
            (
                (nid, pk, status, language, email_id)
                for nid, (pk, language), email_id in zip(
                    ids_reserve(Notification, len(links)), links, emails, strict=True
                )
            ),
        )
    return emails


def notification_resend(*, notification: Notification, actor: User) -> None:
    """Queue a failed e-mail again."""
    if notification.email.state != EmailState.FAILED:
        raise SelectionError(_("Only an e-mail that failed can be sent again."))
    with transaction.atomic():
        if not email_requeue(email_id=notification.email_id):
            raise SelectionError(_("Only an e-mail that failed can be sent again."))
        audit_record(actor=actor, action="selection.notification_resent", target=notification.application)
