"""Every e-mail the system sends, recorded before it is sent (the outbox).

A service writes the row in the same transaction as the change the e-mail is about; a task sends it
after the commit and retries with back-off, so a mail server that is down never undoes or breaks the
change, and what was sent to whom (or why not) stays on record.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailState(models.TextChoices):
    PENDING = "pending", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Email(models.Model):
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    state = models.CharField(_("state"), max_length=8, choices=EmailState.choices, default=EmailState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    # While a worker sends, the row is leased to it; a worker killed mid-send leaves an expired lease,
    # and the next sweep queues the e-mail again.
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


class EmailAttachment(models.Model):
    """A file sent with an e-mail (e.g. a calendar invitation), kept with it in the record."""

    email = models.ForeignKey(Email, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=100)
    content_type = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["email", "id"]

    def __str__(self) -> str:
        return self.filename
