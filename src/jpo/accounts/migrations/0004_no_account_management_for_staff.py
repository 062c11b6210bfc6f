"""Strip account management (users, groups, permissions) from every group and from non-superusers.

Databases made before this held a "Programme officers" group with `accounts.change_user`, through
which an officer could make themself a superuser or set anyone's password in the admin.
"""

from django.db import migrations
from django.db.models import Q

ACCOUNT_MANAGEMENT_MODELS = (("accounts", "user"), ("auth", "group"), ("auth", "permission"))


def strip_account_management(apps, schema_editor):  # type: ignore[no-untyped-def]
    db = schema_editor.connection.alias  # the database being migrated (a restore migrates another one)
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("accounts", "User")
    q = Q(pk__in=[])
    for app_label, model in ACCOUNT_MANAGEMENT_MODELS:
        q |= Q(content_type__app_label=app_label, content_type__model=model)
    permissions = list(Permission.objects.using(db).filter(q))
    if not permissions:
        return
    Group.permissions.through.objects.using(db).filter(permission__in=permissions).delete()
    User.user_permissions.through.objects.using(db).filter(
        permission__in=permissions, user__is_superuser=False
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_email_verified_at"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(strip_account_management, migrations.RunPython.noop)]
