from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectionsConfig(AppConfig):
    name = "jpo.projections"
    label = "projections"
    verbose_name = _("Projections and scenarios")
    default_auto_field = "django.db.models.BigAutoField"
