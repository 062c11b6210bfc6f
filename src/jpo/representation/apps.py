from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepresentationConfig(AppConfig):
    name = "jpo.representation"
    verbose_name = _("UN Secretariat representation")
