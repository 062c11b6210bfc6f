"""Trigram indexes for the officers' search of the applications list (PostgreSQL only).

The applications list finds each word of its search in the applicant's names (kanji and kana): one
`LIKE '%word%'` over the four names joined by spaces, in upper case (`jpo.desk.selectors`, the same
expression). A B-tree cannot serve a pattern with a leading wildcard; a GIN index with `gin_trgm_ops`
(the `pg_trgm` extension) on that expression can, and its statistics let the planner choose it (one
index on the joined names: four indexes, one per name, were estimated too costly and the planner kept
the sequential scan), and one on the receipt number. p95 510 ms at 100,000 applications without it; see bench/README.md. SQLite has no
such index and needs none (its full scan was 125 ms): there this migration does nothing. Creating the
extension needs the right to (the database owner, PostgreSQL 13 and later: `pg_trgm` is trusted).
"""

from django.db import migrations

NAME = "applicant_names_trgm"
RECEIPT = "application_receipt_trgm"
# The searched expression, written as `jpo.desk.selectors.APPLICANT_NAMES` writes it (the planner uses an
# index on an expression only for that same expression).
NAMES = "UPPER(family_name || ' ' || given_name || ' ' || family_name_kana || ' ' || given_name_kana)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "applications_applicant" USING gin (({NAMES}) gin_trgm_ops)'
    )
    # The receipt number, as `icontains` writes it.
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{RECEIPT}" ON "applications_application" '
        'USING gin ((UPPER("receipt_number"::text)) gin_trgm_ops)'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')
    schema_editor.execute(f'DROP INDEX IF EXISTS "{RECEIPT}"')


class Migration(migrations.Migration):
    dependencies = [("applications", "0005_personal_data")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
