from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Territory and households")

    def ready(self):
        from households import logins  # noqa: F401 - connects the login signal receivers
