"""core.bulksql: rows written without the ORM read back through the ORM exactly as given."""

from __future__ import annotations

import datetime as dt

import pytest

from jpo.accounts.models import AuditEvent
from jpo.core.bulksql import ids_reserve, rows_insert


@pytest.mark.django_db
def test_rows_insert_prepares_a_repeated_instant_once_and_every_other_value_as_given() -> None:
    now = dt.datetime(2026, 12, 1, 23, 0, 0, 123456, tzinfo=dt.UTC)
    others = [now + dt.timedelta(seconds=i) for i in range(3)]
    instants = [
        now,
        now,
        others[1],
        now,
        others[2],
        dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))),
    ]
    ids = ids_reserve(AuditEvent, len(instants))
    written = rows_insert(
        AuditEvent,
        ["id", "at", "actor_id", "action", "target_type", "target_id", "data"],
        (
            (pk, at, None, "bench.write", "x", str(i), {"row": i, "list": [i, "ü"]})
            for i, (pk, at) in enumerate(zip(ids, instants, strict=True))
        ),
    )
    assert written == len(instants)
    rows = list(AuditEvent.objects.filter(pk__in=ids).order_by("pk").values_list("at", "target_id", "data"))
    assert [r[0] for r in rows] == instants
    assert [r[1] for r in rows] == [str(i) for i in range(len(instants))]
    assert [r[2] for r in rows] == [{"row": i, "list": [i, "ü"]} for i in range(len(instants))]
