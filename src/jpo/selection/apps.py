from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "jpo.selection"
    verbose_name = _("Selection")

    def ready(self) -> None:
        from jpo.selection import receivers  # noqa: F401  (connects the hooks of the apps below)
