"""Result e-mails move to the one outbox: each past `Notification` becomes an outbox e-mail (same
recipient, text, state and times), so the officers' "E-mails sent" page keeps showing it, and one still
queued is sent by the outbox's sweep."""

import django.db.models.deletion
from django.db import migrations, models


def to_outbox(apps, schema_editor):  # type: ignore[no-untyped-def]
    db = schema_editor.connection.alias
    Notification = apps.get_model("selection", "Notification")
    Email = apps.get_model("outbox", "Email")
    for notification in Notification.objects.using(db).order_by("pk").iterator():
        email = Email.objects.using(db).create(
            kind="selection.result",
            recipient=notification.recipient,
            subject=notification.subject,
            body=notification.body,
            state=notification.state,  # pending, sent and failed mean the same in the outbox
            attempts=0 if notification.state == "pending" else 1,
            last_error=notification.error,
            next_attempt_at=notification.created_at,
            sent_at=notification.sent_at,
        )
        Email.objects.using(db).filter(pk=email.pk).update(created_at=notification.created_at)
        Notification.objects.using(db).filter(pk=notification.pk).update(email=email)


def from_outbox(apps, schema_editor):  # type: ignore[no-untyped-def]
    db = schema_editor.connection.alias
    Notification = apps.get_model("selection", "Notification")
    Email = apps.get_model("outbox", "Email")
    moved = []
    for notification in Notification.objects.using(db).select_related("email").iterator():
        email = notification.email
        Notification.objects.using(db).filter(pk=notification.pk).update(
            recipient=email.recipient,
            subject=email.subject[:200],
            body=email.body,
            state=email.state if email.state != "sending" else "pending",
            created_at=email.created_at,
            sent_at=email.sent_at,
            error=email.last_error,
            email=None,
        )
        moved.append(email.pk)
    Email.objects.using(db).filter(pk__in=moved).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("selection", "0003_notification_template_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="email",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="selection_notification",
                to="outbox.email",
                verbose_name="e-mail",
            ),
        ),
        migrations.RunPython(to_outbox, from_outbox),
        migrations.AlterField(
            model_name="notification",
            name="email",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="selection_notification",
                to="outbox.email",
                verbose_name="e-mail",
            ),
        ),
        migrations.RemoveIndex(model_name="notification", name="selection_n_state_66622b_idx"),
        migrations.AlterModelOptions(
            name="notification",
            options={
                "ordering": ["-email_id"],
                "verbose_name": "notification",
                "verbose_name_plural": "notifications",
            },
        ),
        # Defaults only so that undoing this migration can add the columns back (filled by from_outbox).
        migrations.AlterField(
            model_name="notification",
            name="recipient",
            field=models.EmailField(default="", max_length=254, verbose_name="recipient"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="subject",
            field=models.CharField(default="", max_length=200, verbose_name="subject"),
        ),
        migrations.AlterField(
            model_name="notification", name="body", field=models.TextField(default="", verbose_name="body")
        ),
        migrations.RemoveField(model_name="notification", name="recipient"),
        migrations.RemoveField(model_name="notification", name="subject"),
        migrations.RemoveField(model_name="notification", name="body"),
        migrations.RemoveField(model_name="notification", name="state"),
        migrations.RemoveField(model_name="notification", name="created_at"),
        migrations.RemoveField(model_name="notification", name="sent_at"),
        migrations.RemoveField(model_name="notification", name="error"),
    ]
