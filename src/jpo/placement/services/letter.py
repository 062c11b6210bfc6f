"""The offer letter as a PDF: what the printable letter page says (the post, its terms of reference, the
duty station, the start, the length and the deadline to answer), in the reader's language, set in the
embedded Japanese font of `jpo.core.pdf` like the dossier of `jpo.desk`.

Attached to the candidate's offer e-mail and downloaded from the offer's letter page by those who may
see the offer (`access.scope_offers`).
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jpo.core.pdf import japanese_font
from jpo.placement.models import Offer
from jpo.programme.labels import fiscal_year_label

CONTENT_TYPE = "application/pdf"


def offer_reference(offer: Offer) -> str:
    """The letter's reference, as the printable page shows it."""
    return f"{offer.post.cycle.code}-{offer.pk:05d}"


def offer_letter_filename(offer: Offer) -> str:
    return f"offer-{offer_reference(offer)}.pdf"


def _styles() -> dict[str, ParagraphStyle]:
    font = japanese_font()
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK", spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=14, leading=19, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4),
        "body": base,
        "muted": ParagraphStyle("muted", parent=base, textColor=colors.grey, fontSize=9),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), style)


def _story(offer: Offer, offers_url: str) -> list[Any]:
    s = _styles()
    post = offer.post
    agreed = _("to be agreed with the organization")
    terms = [
        (_("Organization"), f"{post.organization.name} ({post.organization.code})"),
        (_("Post"), post.title),
        (_("Grade"), post.grade),
        (_("Duty station"), offer.duty_station or post.duty_station),
        (_("Cycle"), fiscal_year_label(post.cycle.fiscal_year)),
        (_("Expected start"), offer.start_date.isoformat() if offer.start_date else agreed),
        (
            _("Length"),
            ngettext("%(months)s month", "%(months)s months", offer.length_months)
            % {"months": offer.length_months}
            if offer.length_months
            else agreed,
        ),
        (
            _("Answer by"),
            _("%(date)s, end of the day, Japan time") % {"date": offer.respond_by.isoformat()}
            if offer.respond_by
            else "—",
        ),
    ]
    table = Table([[_p(k, s["muted"]), _p(v, s["body"])] for k, v in terms], colWidths=[40 * mm, 130 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#d7dae0")),
            ]
        )
    )
    tor = offer.terms_of_reference or post.terms_of_reference
    person = offer.application.applicant
    return [
        _p(_("Junior Professional Officer (JPO) programme of Japan"), s["title"]),
        _p(
            f"{_('Reference')}: {offer_reference(offer)}    {_('Date')}: {timezone.localtime(offer.sent_at):%Y-%m-%d}",
            s["muted"],
        ),
        Spacer(1, 4 * mm),
        _p(_("Dear %(name)s,") % {"name": person}, s["body"]),
        _p(
            _(
                "We are pleased to offer you the following post as a Junior Professional Officer (JPO) of Japan."
            ),
            s["body"],
        ),
        table,
        _p(_("Terms of reference"), s["h2"]),
        _p(tor or _("The organization sends the terms of reference separately."), s["body"]),
        _p(_("How to answer"), s["h2"]),
        _p(
            f"{_('Please accept or decline the offer in the JPO system before the deadline:')} {offers_url}",
            s["body"],
        ),
        _p(
            _(
                "Your acceptance is then confirmed by the organization; you are selected only once it has confirmed."
            ),
            s["body"],
        ),
        _p(
            _("An offer not answered by the deadline lapses, and the post is offered to another candidate."),
            s["body"],
        ),
        _p(f"{_('Status')}: {offer.get_status_display()}", s["body"]),
    ]


def offer_letter_pdf(offer: Offer, *, language: str, offers_url: str) -> bytes:
    """The letter of `offer` as PDF bytes, in `language`. `offer` has its post (organization, cycle) and
    applicant loaded."""
    with translation.override(language):
        buffer = io.BytesIO()
        SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=f"{_('Offer letter')} {offer_reference(offer)}",
        ).build(_story(offer, offers_url))
    return buffer.getvalue()
