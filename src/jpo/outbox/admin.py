from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from jpo.outbox.models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """Read-only: the outbox is a record of what was sent."""

    list_display = ["created_at", "kind", "recipient", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient", "subject"]
    readonly_fields = [f.name for f in Email._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Email | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Email | None = None) -> bool:
        return False
