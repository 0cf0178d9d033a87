from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerlDigitalConfig(AppConfig):
    name = "verl_digital"
    verbose_name = _("Digitalisierung")

    def ready(self) -> None:
        from verl_digital import checks  # noqa: F401  (registers the system checks)
