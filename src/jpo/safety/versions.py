"""Optimistic locking for records two members of staff can edit at the same time.

Each such record has a `version` (a whole number). A form carries the version it was read at; the
service that saves it claims the next version only if the row is still at that one, in the same
transaction as the change. A form read before someone else's save is refused with `StaleEdit`, and
nothing is overwritten. (The claim is one UPDATE: on PostgreSQL the second of two concurrent saves
waits for the first to commit, then finds the version moved on.)
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from jpo.safety.numbers import NumberError, parse_int


class StaleEdit(ValidationError):
    """The record was saved by someone else since the form was read (HTTP 409)."""

    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else saved this record while you were editing it. Nothing was saved: reload the "
                "page to see their change, then make yours again."
            ),
            code="stale",
        )


def version_posted(raw: Any) -> int:
    """The version a form posted (hidden field `version`); a form without one is refused, not trusted."""
    try:
        return parse_int(raw, minimum=0, maximum=2**31 - 1)
    except NumberError:
        raise ValidationError(_("This form is out of date: reload the page."), code="version") from None


def version_claim(instance: models.Model, *, expected_version: int | None) -> None:
    """Move `instance` to its next version if it is still at `expected_version`, else raise `StaleEdit`.

    Call inside the transaction of the change. `expected_version=None`: a caller without a form (command
    line, tasks, demo data) that changes the record knowingly; the version still moves on, so forms read
    before are refused.
    """
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(version=F("version") + 1) != 1:
        raise StaleEdit()
    instance.version = type(instance)._default_manager.values_list("version", flat=True).get(pk=instance.pk)  # type: ignore[attr-defined]
