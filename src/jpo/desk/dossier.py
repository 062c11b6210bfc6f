"""The PDF dossier of one application: a cover sheet (the person, the application, what was declared),
the eligibility screening criterion by criterion, the scores, then the uploaded documents themselves,
page for page. Set in the embedded Japanese font of `jpo.core.pdf`."""

from __future__ import annotations

import io
import logging
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jpo.applications.models import Application
from jpo.core.pdf import japanese_font
from jpo.programme.labels import fiscal_year_label
from jpo.programme.vocabulary import CRITERION_OUTCOMES as OUTCOMES
from jpo.programme.vocabulary import ELIGIBILITY_CRITERIA as CRITERIA

logger = logging.getLogger(__name__)


def _styles() -> dict[str, ParagraphStyle]:
    font = japanese_font()
    base = ParagraphStyle("body", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=20, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4),
        "body": base,
        "muted": ParagraphStyle("muted", parent=base, textColor=colors.grey, fontSize=8),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list[Any]], widths: list[float], s: dict[str, ParagraphStyle]) -> Table:
    cells = [[c if isinstance(c, Paragraph) else _p(c, s["cell"]) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f5f8")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#d7dae0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _facts(rows: list[tuple[Any, Any]], s: dict[str, ParagraphStyle]) -> Table:
    table = Table([[_p(k, s["muted"]), _p(v, s["cell"])] for k, v in rows], colWidths=[45 * mm, 125 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _date(value: Any, fmt: str = "%Y-%m-%d") -> str:
    if value is None:
        return "—"
    if hasattr(value, "tzinfo") and getattr(value, "hour", None) is not None:
        value = timezone.localtime(value)
        fmt = "%Y-%m-%d %H:%M"
    return value.strftime(fmt)


def _story(application: Application, lang: str) -> list[Any]:
    s = _styles()
    a, person = application, application.applicant
    story: list[Any] = [
        _p(_("Application dossier"), s["title"]),
        _p(
            _("Confidential: personal data. Made %(when)s (Japan time); every download is recorded.")
            % {"when": _date(timezone.now())},
            s["muted"],
        ),
        Spacer(1, 4 * mm),
        _facts(
            [
                (_("Receipt number"), a.receipt_number or _("not submitted")),
                (_("Cycle"), fiscal_year_label(a.cycle.fiscal_year)),
                (_("Track"), a.track.get_kind_display()),
                (_("Status"), a.get_status_display()),
                (_("Submitted at"), _date(a.submitted_at)),
                (_("Name"), person.full_name),
                (_("Name (kana)"), f"{person.family_name_kana} {person.given_name_kana}".strip() or "—"),
                (_("Date of birth"), _date(person.birth_date)),
                (_("Sex"), person.get_sex_display()),
                (_("Nationalities"), ", ".join(person.nationalities) or "—"),
                (
                    _("National civil servant"),
                    (f"{_('Yes')} — {a.ministry.name_ja if lang == 'ja' else a.ministry.name_en}")
                    if a.is_civil_servant and a.ministry
                    else _("No"),
                ),
                (
                    _("Preferred organizations"),
                    ", ".join(
                        f"{p.rank}. {p.organization.code}" + (f" ({p.post.title})" if p.post else "")
                        for p in a.preferences.all()
                    )
                    or "—",
                ),
                (_("Forwarded to"), a.forwarded_to.code if a.forwarded_to else "—"),
            ],
            s,
        ),
        _p(_("Degrees"), s["h2"]),
        _table(
            [[_("Level"), _("Field of study"), _("University"), _("Date")]]
            + [
                [d.get_level_display(), d.field, d.institution, _date(d.awarded or d.expected, "%Y-%m")]
                for d in a.degrees.all()
            ],
            [35 * mm, 50 * mm, 60 * mm, 25 * mm],
            s,
        ),
        _p(_("Work experience"), s["h2"]),
        _table(
            [[_("Period"), _("Employer"), _("Job title"), _("Type of work")]]
            + [
                [
                    f"{_date(e.start, '%Y-%m')}–{_date(e.end, '%Y-%m') if e.end else _('now')}",
                    e.employer,
                    e.title,
                    e.get_type_display(),
                ]
                for e in a.employment.all()
            ],
            [35 * mm, 55 * mm, 50 * mm, 30 * mm],
            s,
        ),
        _p(_("Language tests"), s["h2"]),
        _table(
            [[_("Test"), _("Score"), _("Date taken")]]
            + [[t.get_test_display(), t.score, _date(t.taken)] for t in a.language_tests.all()],
            [60 * mm, 40 * mm, 70 * mm],
            s,
        ),
    ]
    story += _eligibility(a, lang, s)
    story += _scores(a, s)
    story += [_p(_("Documents appended"), s["h2"])]
    documents = list(a.documents.all())
    story.append(
        _table(
            [[_("Document"), pgettext("page count", "Pages"), _("SHA-256")]]
            + [[d.get_kind_display(), d.pages, d.sha256[:16] + "…"] for d in documents],
            [80 * mm, 20 * mm, 70 * mm],
            s,
        )
        if documents
        else _p(_("No document was uploaded."), s["body"])
    )
    return story


def _eligibility(a: Application, lang: str, s: dict[str, ParagraphStyle]) -> list[Any]:
    out: list[Any] = [_p(_("Eligibility"), s["h2"])]
    screening = getattr(a, "screening", None)
    if screening is None:
        return [*out, _p(_("Not screened yet."), s["body"])]
    out.append(
        _p(
            _("Outcome: %(outcome)s (rules: %(rules)s), screened %(when)s.")
            % {
                "outcome": screening.get_outcome_display(),
                "rules": screening.get_engine_outcome_display(),
                "when": _date(screening.screened_at),
            },
            s["body"],
        )
    )
    rows: list[list[Any]] = [[_("Criterion"), _("Result"), _("Reason")]]
    for c in screening.criteria.all():
        reason = c.message_ja if lang == "ja" else c.message_en
        if c.override:
            reason += "\n" + _("Officer's override: %(outcome)s — %(reason)s") % {
                "outcome": OUTCOMES.get(c.override, c.override),
                "reason": c.override_reason,
            }
        rows.append([CRITERIA.get(c.criterion, c.criterion), OUTCOMES.get(c.effective, c.effective), reason])
    out.append(_table(rows, [35 * mm, 25 * mm, 110 * mm], s))
    return out


def _scores(a: Application, s: dict[str, ParagraphStyle]) -> list[Any]:
    out: list[Any] = [_p(_("Document review"), s["h2"])]
    reviews = [r.review for r in a.review_assignments.all() if getattr(r, "review", None)]
    if not reviews:
        out.append(_p(_("No review submitted."), s["body"]))
    else:
        # Reviewers are numbered, not named: the dossier travels to panels and organizations.
        rows: list[list[Any]] = [[_("Reviewer"), _("Weighted score"), _("Scores by criterion"), _("Comment")]]
        for n, review in enumerate(reviews, start=1):
            detail = "; ".join(f"{score.criterion.name}: {score.score}" for score in review.scores.all())
            rows.append([_("Reviewer %(n)s") % {"n": n}, review.total, detail, review.comment])
        mean = sum((r.total for r in reviews), Decimal(0)) / len(reviews)
        rows.append([_("Mean"), round(mean, 3), "", ""])
        out.append(_table(rows, [25 * mm, 25 * mm, 60 * mm, 60 * mm], s))
    interview = getattr(a, "interview", None)
    if interview is not None:
        out.append(_p(_("Written task and interview"), s["h2"]))
        facts = [
            (_("Interview slot"), _date(interview.slot.starts_at) if interview.slot else "—"),
            (
                _("Written-task score"),
                "—" if interview.written_task_score is None else interview.written_task_score,
            ),
        ]
        scores = list(interview.scores.all())
        for n, score in enumerate(scores, start=1):
            facts.append((_("Interviewer %(n)s") % {"n": n}, f"{score.score} {score.comment}".strip()))
        if scores:
            facts.append((_("Mean interview score"), round(sum(x.score for x in scores) / len(scores), 2)))
        out.append(_facts(facts, s))
    return out


def _notice_page(text: str) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([_p(text, _styles()["body"])])
    return buffer.getvalue()


def application_dossier_pdf(application: Application, *, lang: str) -> bytes:
    """The dossier as PDF bytes: the pages made here, then each uploaded document in full (a document
    that cannot be read is replaced by a page saying so, never silently left out)."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=str(_("Application dossier")) + f" {application.receipt_number or ''}",
    )
    document.build(_story(application, lang))
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(buffer.getvalue())))
    for doc in application.documents.all():
        try:
            with doc.file.open("rb") as handle:
                writer.append(PdfReader(io.BytesIO(handle.read())))
        except (OSError, PyPdfError, ValueError):
            logger.warning("dossier: document %s could not be appended", doc.public_id)
            writer.append(
                PdfReader(
                    io.BytesIO(
                        _notice_page(
                            _("The document “%(kind)s” could not be read and is not appended.")
                            % {"kind": doc.get_kind_display()}
                        )
                    )
                )
            )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
