from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Rückmeldungen")

    def ready(self) -> None:
        from feedback import captcha, packs, receipts, receivers
        from feedback.search import comment_provider
        from feedback.templatetags.feedback_tags import PAGE_PARAMETER
        from strategy.search import register
        from strategy.signals import measure_status_changed
        from verl_digital.caching import pagecache

        measure_status_changed.connect(
            receivers.measure_status_changed, dispatch_uid="feedback.measure_status_changed"
        )
        register(comment_provider())
        # After strategy's sections (INSTALLED_APPS order): the demo comments need measures.
        packs.register()

        # Pages cached for everybody get each visitor's own captcha question and comment page;
        # a confirmation after sending is for its sender only, so that page is not shared.
        pagecache.register_filler(captcha.KEY_PLACEHOLDER, captcha.key_fill)
        pagecache.register_filler(captcha.QUESTION_PLACEHOLDER, captcha.question_fill)
        pagecache.register_params(PAGE_PARAMETER)
        pagecache.register_private_params(receipts.PARAMETER)
