from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Inhalte und Strategie")

    def ready(self) -> None:
        from strategy.packs import sections
        from strategy.search import register
        from strategy.search_sources import strategy_providers

        for provider in strategy_providers():
            register(provider)
        sections.register()
