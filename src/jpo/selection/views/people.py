"""Programme officer pages: the reviewers and interviewers, their load, and invitations to join."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jpo.accounts import invitations
from jpo.accounts.access import request_user, role_required
from jpo.accounts.models import Invitation, Role
from jpo.programme.models import Cycle
from jpo.safety.numbers import parse_id
from jpo.selection.selectors import people as people_selectors

officer_only = role_required(Role.OFFICER)
INVITATIONS_SHOWN = 50


@officer_only
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest) -> HttpResponse:
    """Every reviewer / interviewer with their load (all cycles, or one), the invitations, and the form
    to invite someone (POST)."""
    error: invitations.InvitationError | None = None
    if request.method == "POST":
        try:
            invitation, _token = invitations.invitation_create(
                email=request.POST.get("email", ""),
                name=request.POST.get("name", ""),
                language=request.POST.get("language", ""),
                actor=request_user(request),
            )
        except invitations.InvitationError as exc:
            error = exc
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("selection:people")
    fiscal_year = parse_id(request.GET.get("cycle"))
    cycle = Cycle.objects.filter(fiscal_year=fiscal_year).first() if fiscal_year else None
    return render(
        request,
        "selection/people.html",
        {
            "people": people_selectors.reviewer_people(cycle=cycle),
            "chosen_cycle": cycle,
            "cycles": Cycle.objects.order_by("-fiscal_year"),
            "invitations": Invitation.objects.select_related("invited_by", "user")[:INVITATIONS_SHOWN],
            "now": timezone.now(),
            "error": error,
            "posted": request.POST,
        },
        status=error.status_code if error else 200,
    )


@officer_only
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        invitations.invitation_revoke(invitation=invitation, actor=request_user(request))
    except invitations.InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("selection:people")
