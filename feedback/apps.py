from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Rückmeldungen")

    def ready(self) -> None:
        from feedback.forms import captcha_key_new
        from feedback.templatetags.feedback_tags import PAGE_PARAMETER
        from verl_digital import pagecache

        # Pages cached for everybody get each visitor's own captcha key and comment page.
        pagecache.register_filler("captcha", captcha_key_new)
        pagecache.register_params(PAGE_PARAMETER)
