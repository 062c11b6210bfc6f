"""Trigram indexes for the officers' name search (PostgreSQL only).

The applications list finds every word in the applicant's names (kanji and kana) and the receipt
number with `icontains`, which Django writes on PostgreSQL as `UPPER(col::text) LIKE UPPER('%word%')`.
A B-tree cannot serve a pattern with a leading wildcard; a GIN index with `gin_trgm_ops` (the
`pg_trgm` extension) on the same expression can (p95 510 ms at 100,000 applications without it; see
bench/README.md). SQLite has no such index and needs none (its full scan was 125 ms): there this
migration does nothing. The extension needs the right to create it (the database owner on PostgreSQL
13 and later: `pg_trgm` is a trusted extension).
"""

from django.db import migrations

# (index name, table, column): each index is on UPPER(column::text), the expression `icontains` uses.
INDEXES = (
    ("applicant_family_name_trgm", "applications_applicant", "family_name"),
    ("applicant_given_name_trgm", "applications_applicant", "given_name"),
    ("applicant_family_kana_trgm", "applications_applicant", "family_name_kana"),
    ("applicant_given_kana_trgm", "applications_applicant", "given_name_kana"),
    ("application_receipt_trgm", "applications_application", "receipt_number"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("applications", "0005_personal_data")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
