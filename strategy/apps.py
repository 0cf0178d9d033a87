from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Inhalte und Strategie")

    def ready(self) -> None:
        from strategy.demo_content import demo_items
        from strategy.search import register
        from strategy.search_sources import strategy_providers
        from strategy.verl_content import register_demo_content

        for provider in strategy_providers():
            register(provider)
        register_demo_content("strategy", demo_items)
