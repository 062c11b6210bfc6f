"""Two-factor log-in for staff with a time-based code (TOTP, RFC 6238) through django-otp.

Enrolment: the user scans a QR code (drawn here as SVG, nothing sent anywhere) or types the secret into
an authenticator app, then proves it with one code; the device is then confirmed. Each later log-in
asks for a current code after the password. django-otp refuses a code used before and slows down
repeated wrong codes.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from jpo.accounts.access import is_staff_account
from jpo.accounts.services import audit_record


def needs_verification(user: Any) -> bool:
    """A signed-in staff user who has not yet entered a code in this session, where one is required."""
    if not is_staff_account(user) or user.is_verified():
        return False
    return bool(settings.JPO_REQUIRE_2FA or user_has_device(user, confirmed=True))


def enrolment_device(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator (made on first call; the same secret until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an SVG QR code in a data: URI (allowed by the CSP's img-src)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app instead of scanning."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enrolment_confirm(*, request: Any, device: TOTPDevice, token: str) -> bool:
    """Confirm the device with a first code; the session counts as verified. False for a wrong code."""
    if not device.verify_token(token.strip()):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()  # one authenticator each
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=device.user, action="user.2fa_enrolled", target=device.user)
    otp_login(request, device)
    return True


def verify(*, request: Any, token: str) -> bool:
    """Check a code against the user's confirmed authenticator; on success the session is verified."""
    device = match_token(request.user, token.strip())
    if device is None:
        return False
    otp_login(request, device)
    return True
