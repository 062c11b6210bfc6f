"""Bulk SQL: plain INSERT/UPDATE/SELECT of many rows on the current connection, without the ORM's
per-row and per-value cost. For loading thousands of rows (`jpo demo`, bulk screening).

Table and column names come from our models, never from input; values are passed as parameters, never
spliced into SQL; ids go as one parameter (an array on PostgreSQL, a JSON list on SQLite).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.db.models.expressions import RawSQL


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], field: str) -> str:
    name = model._meta.get_field(field).column  # type: ignore[union-attr]
    assert isinstance(name, str)
    return connection.ops.quote_name(name)


def value(model: type[Model], field: str, alias: str = "") -> str:
    """A column as selected; a date column as its ISO text (the driver would otherwise make a date of
    each value, which callers turn back into the same text)."""
    selected = f"{alias}.{column(model, field)}" if alias else column(model, field)
    if model._meta.get_field(field).get_internal_type() != "DateField":
        return selected
    if connection.vendor == "postgresql":
        return f"to_char({selected}, 'YYYY-MM-DD')"
    return f"CAST({selected} AS TEXT)"  # SQLite stores dates as ISO text


def ids_match(column_sql: str, ids: Sequence[int]) -> tuple[str, Any]:
    """An SQL condition that `column_sql` is one of `ids`, and its one parameter."""
    if connection.vendor == "postgresql":
        return f"{column_sql} = ANY(%s)", list(ids)
    return f"{column_sql} IN (SELECT value FROM json_each(%s))", json.dumps(list(ids))  # noqa: S608


def id_set(ids: Iterable[int]) -> RawSQL:
    """`ids` as a subquery for the ORM (`filter(pk__in=bulksql.id_set(ids))`): one parameter however
    many ids, where a list would make the ORM check and bind every id as a parameter of its own."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(list(ids)),))


def fetch(sql: str, param: Any) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        return cursor.fetchall()


def select_by_ids(
    model: type[Model], fields: Sequence[str], key: str, ids: Sequence[int], order: Sequence[str] = ()
) -> list[tuple[Any, ...]]:
    """Rows of `model` (the given fields) whose `key` is one of `ids`, in `order`."""
    where, param = ids_match(column(model, key), ids)
    sql = f"SELECT {', '.join(value(model, f) for f in fields)} FROM {table(model)} WHERE {where}"  # noqa: S608
    if order:
        sql += " ORDER BY " + ", ".join(column(model, f) for f in order)
    return fetch(sql, param)


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert plain rows as fast as the database takes them: COPY on PostgreSQL, executemany on SQLite.

    Runs on the current connection, so inside the caller's transaction. Table and column names come
    from our models (never from input); values are passed as data, never spliced into SQL.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        sql = f"COPY {quote(table)} ({names}) FROM STDIN"
        with psycopg.Cursor(connection.connection) as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    with connection.cursor() as django_cursor:
        django_cursor.executemany(sql, rows)


_PREPARED = frozenset({"DateTimeField", "UUIDField", "DecimalField", "JSONField", "FileField"})


def rows_insert(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT plain rows (values in the order of `fields`; a foreign key by its `..._id`) without
    building model instances: for loading thousands of rows (`jpo demo`). No signals, no `save()`:
    auto_now and defaults are not applied, so give every non-null field."""
    concrete = [model._meta.get_field(name) for name in fields]
    columns = [str(getattr(f, "column", "")) for f in concrete]
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: each access through the proxy costs a lookup
    prepared = [(i, _Prepared(f, db)) for i, f in enumerate(concrete) if f.get_internal_type() in _PREPARED]
    batch = []
    for row in rows:
        values = list(row)
        for i, prepare in prepared:
            values[i] = prepare(values[i])
        batch.append(values)
    insert_rows(model._meta.db_table, columns, batch)
    return len(batch)


class _Prepared:
    """A field's value as the database takes it. A value repeated on many rows (the one instant of a
    bulk write) is prepared once: kept by identity, with the value itself, so the id cannot be reused."""

    def __init__(self, field: Any, db: Any) -> None:
        self.field, self.db = field, db
        self.seen: dict[int, tuple[Any, Any]] = {}

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict | list):  # JSON: each row's own
            return self.field.get_db_prep_save(value, self.db)
        hit = self.seen.get(id(value))
        if hit is None:
            hit = self.seen[id(value)] = (value, self.field.get_db_prep_save(value, self.db))
        return hit[1]


def rows_update(model: type[Model], fields: Sequence[str], objs: Sequence[Model]) -> None:
    """UPDATE `fields` of each of `objs` by primary key, as one prepared statement run for every row.

    Django's bulk_update builds one CASE expression per field over a whole batch, which the database
    evaluates for every row of the batch (quadratic): for thousands of rows this is many times faster."""
    if not objs:
        return
    concrete = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    columns = [str(getattr(f, "column", "")) for f in concrete]
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    table, key = quote(model._meta.db_table), quote(str(model._meta.pk.column))
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608 - names from our models
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in concrete] + [obj.pk]  # type: ignore[union-attr]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def ids_reserve(model: type[Model], count: int) -> list[int]:
    """`count` fresh primary keys of `model`, for rows inserted in bulk with their ids given (so the
    caller knows them without reading the rows back). Call inside the transaction that inserts them:
    PostgreSQL hands them out from the table's sequence; on SQLite the transaction holds the write lock
    (transaction_mode IMMEDIATE), so the ids after the largest one used are ours."""
    if count <= 0:
        return []
    table, key = model._meta.db_table, str(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, key, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(key)}), 0) FROM {quote(table)}")  # noqa: S608 - our names
        largest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(largest, row[0] if row else 0) + 1
    return list(range(start, start + count))
