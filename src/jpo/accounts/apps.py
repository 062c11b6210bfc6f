from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jpo.accounts"
    verbose_name = _("Accounts and access")

    def ready(self) -> None:
        from jpo.accounts import signals  # noqa: F401 - connects the log-in receivers
