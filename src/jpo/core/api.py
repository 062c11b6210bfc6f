"""Pieces of every app's API operations (django-ninja) that belong to no domain.

- `found`: the record of a path parameter, or 404 `{"detail": "<label> <id>: not found"}`.
- `answered`: run a service's change and answer with what it did, or with its refusal as the API's
  error body (`{"detail": ..., "field": ...}`, the refusal's status): the one shape of the correction
  and release operations, so that an operation is its lookup, its service call and its answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Status
from ninja.errors import HttpError

M = TypeVar("M", bound=Model)
T = TypeVar("T")


def found(records: QuerySet[M], pk: int, label: str) -> M:
    """The record `pk` among `records`, or a 404 naming it (`label pk: not found`)."""
    record = records.filter(pk=pk).first()
    if record is None:
        raise HttpError(404, f"{label} {pk}: not found")
    return record


def answered(
    change: Callable[[], T],
    answer: Callable[[T], Any],
    *,
    refusals: tuple[type[Exception], ...],
    refused: Callable[[Any], Status[dict[str, Any]]],
    status: int = 200,
) -> Status[Any]:
    """`change()` (a service call), then `status` with `answer(its result)`; a refusal among `refusals`
    is answered by `refused(error)` instead (nothing was written: the service refused before)."""
    try:
        result = change()
    except refusals as error:
        return refused(error)
    return Status(status, answer(result))
