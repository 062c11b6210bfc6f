from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "jpo.desk"
    verbose_name = _("Officer's desk")
