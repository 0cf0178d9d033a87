from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Rückmeldungen")

    def ready(self) -> None:
        from feedback import receivers
        from feedback.demo_content import demo_items
        from feedback.search import comment_provider
        from strategy.search import register
        from strategy.signals import measure_status_changed
        from strategy.verl_content import register_demo_content

        measure_status_changed.connect(
            receivers.measure_status_changed, dispatch_uid="feedback.measure_status_changed"
        )
        register(comment_provider())
        # After strategy's demo set (INSTALLED_APPS order), whose measures it comments on.
        register_demo_content("feedback", demo_items)
