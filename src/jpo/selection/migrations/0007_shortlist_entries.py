"""The closed shortlist's ranking as rows (ShortlistEntry) instead of one JSON list: the API pages and
sorts it in the database. Every row of every stored ranking is copied; the JSON field then goes."""

import django.db.models.deletion
from django.db import migrations, models


def _number(value, default=None):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else default


def copy_rankings(apps, schema_editor):
    Shortlist = apps.get_model("selection", "Shortlist")
    ShortlistEntry = apps.get_model("selection", "ShortlistEntry")
    # The database being migrated (a restore migrates a second one), not the default.
    using = schema_editor.connection.alias
    for shortlist in Shortlist.objects.using(using).all().iterator():
        rows = shortlist.ranking if isinstance(shortlist.ranking, list) else []
        entries = []
        for place, row in enumerate((r for r in rows if isinstance(r, dict)), start=1):
            application = _number(row.get("application"))
            if not isinstance(application, int):
                continue
            entries.append(
                ShortlistEntry(
                    shortlist_id=shortlist.pk,
                    place=place,
                    application_id=application,
                    receipt_number=row.get("receipt_number")
                    if isinstance(row.get("receipt_number"), str)
                    else None,
                    position=int(_number(row.get("position"), _number(row.get("rank"), place))),
                    raw_mean=_number(row.get("raw_mean")),
                    z_mean=_number(row.get("z_mean")),
                    reviews=int(_number(row.get("reviews"), 0)),
                    tie=row.get("tie") is True,
                    shortlisted=row.get("shortlisted") is True,
                )
            )
        ShortlistEntry.objects.using(using).bulk_create(entries, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_name_search_trigram"),
        ("selection", "0006_interview_slot_sequence"),
    ]

    operations = [
        migrations.CreateModel(
            name="ShortlistEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("place", models.PositiveIntegerField(verbose_name="place in the order")),
                (
                    "receipt_number",
                    models.CharField(blank=True, max_length=32, verbose_name="receipt number"),
                ),
                ("position", models.PositiveIntegerField(verbose_name="rank")),
                ("raw_mean", models.FloatField(blank=True, null=True, verbose_name="raw mean")),
                ("z_mean", models.FloatField(blank=True, null=True, verbose_name="corrected score")),
                ("reviews", models.PositiveIntegerField(verbose_name="number of reviews")),
                ("tie", models.BooleanField(default=False, verbose_name="tie")),
                ("shortlisted", models.BooleanField(default=False, verbose_name="shortlisted")),
                (
                    "application",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="applications.application",
                    ),
                ),
                (
                    "shortlist",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entries",
                        to="selection.shortlist",
                    ),
                ),
            ],
            options={
                "verbose_name": "shortlist entry",
                "verbose_name_plural": "shortlist entries",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("shortlist", "place"), name="shortlist_entry_place_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_rankings, migrations.RunPython.noop),
        migrations.RemoveField(model_name="shortlist", name="ranking"),
    ]
