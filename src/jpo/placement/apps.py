from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementConfig(AppConfig):
    name = "jpo.placement"
    verbose_name = _("Placement")

    def ready(self) -> None:
        from jpo.placement import receivers  # noqa: F401  (connects the purge hook)
