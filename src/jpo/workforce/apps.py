from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "jpo.workforce"
    label = "workforce"
    verbose_name = _("Workforce statistics")
    default_auto_field = "django.db.models.BigAutoField"
