"""Account pages: e-mail verification, two-factor, password reset (Django's views, our templates)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device

from jpo.accounts import access, invitations, services, twofactor
from jpo.accounts.access import public, request_user, role_required
from jpo.accounts.forms import PasswordResetForm, TwoFactorForm
from jpo.accounts.models import Role
from jpo.accounts.throttle import throttled, too_many_requests


def _send_verification(request: HttpRequest, user: Any) -> None:
    services.email_verification_send(user=user, verify_url=services.email_verification_url(user=user))


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def verify_sent(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        if user.email_verified_at is None:  # type: ignore[union-attr]
            _send_verification(request, user)
            messages.success(request, _("We sent a new link to %(email)s.") % {"email": user.email})  # type: ignore[union-attr]
        return redirect("accounts:verify_sent")
    if user.email_verified_at is not None:  # type: ignore[union-attr]
        return redirect("portal:home")
    return render(request, "accounts/verify_sent.html")


@public
def verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.email_verify(token=token)
    except services.VerificationError as error:
        return render(request, "accounts/verify_failed.html", {"message": str(error)}, status=400)
    messages.success(request, _("Your e-mail address is confirmed. You can now apply."))
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect("portal:home")
    return redirect(f"{reverse('login')}?next={reverse('portal:home')}")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset (the same page whether or not the address is registered), with the link built
    from JPO_BASE_URL rather than the Host header, throttled per address and per e-mail address."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if throttled(request, "password_reset"):
            return too_many_requests(request, "password_reset")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        address = form.cleaned_data["email"].strip().lower()
        if throttled(self.request, "password_reset_address", extra=address):
            # Over the per-address limit: answer as usual but send nothing more (no mail-bombing).
            return redirect(self.get_success_url())
        self.extra_email_context = {"base_url": settings.JPO_BASE_URL.rstrip("/")}
        return super().form_valid(form)


class LoginView(auth_views.LoginView):
    """Django's log-in with a per-address throttle (the lock-out per user name is django-axes')."""

    template_name = "web/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if throttled(request, "login"):
            return too_many_requests(request, "login")
        return super().post(request, *args, **kwargs)


password_reset = public(
    PasswordResetView.as_view(
        template_name="accounts/password_reset_form.html",
        form_class=PasswordResetForm,
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """After the password: enrol an authenticator (first time) or enter its current code.

    Any signed-in user may open it (the middleware sends staff here); applicants have nothing to do here.
    """
    user = request_user(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if not access.is_staff_account(user) or user.is_verified():  # type: ignore[attr-defined]  # django-otp
        return redirect(next_url or "home")
    enrolled = user_has_device(user, confirmed=True)
    device = None if enrolled else twofactor.enrolment_device(user=user)
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        ok = (
            twofactor.verify(request=request, token=token)
            if device is None
            else twofactor.enrolment_confirm(request=request, device=device, token=token)
        )
        if ok:
            return redirect(next_url or "home")
        form.add_error("token", _("This code is not right. Enter the code your app shows now."))
    context: dict[str, Any] = {"form": form, "next": next_url, "enrolling": device is not None}
    if device is not None:
        context["qr_code"] = twofactor.qr_code_data_uri(device)
        context["secret"] = twofactor.secret_for_typing(device)
    return render(request, "accounts/two_factor.html", context, status=400 if form.errors else 200)


@public
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invited reviewer / interviewer creates their account (names and a password; the address is
    the invitation's). The link works once and until it expires."""
    try:
        invite = invitations.invitation_for_token(token=token)
    except invitations.InvitationError as refused:
        return render(
            request, "accounts/verify_failed.html", {"message": refused.message}, status=refused.status_code
        )
    error: invitations.InvitationError | None = None
    if request.method == "POST":
        if throttled(request, "signup"):
            return too_many_requests(request, "signup")
        if request.POST.get("password", "") != request.POST.get("password2", ""):
            error = invitations.InvitationError(_("Password: the two entries differ."), field="password")
        else:
            try:
                invitations.invitation_accept(
                    token=token,
                    family_name=request.POST.get("family_name", ""),
                    given_name=request.POST.get("given_name", ""),
                    password=request.POST.get("password", ""),
                )
            except invitations.InvitationError as exc:
                error = exc
            else:
                messages.success(request, _("Your account is ready: log in with your e-mail address."))
                return redirect("login")
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": invite, "error": error, "posted": request.POST},
        status=error.status_code if error else 200,
    )
