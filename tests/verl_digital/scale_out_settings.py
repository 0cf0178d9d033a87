"""The two-instance test (test_scale_out.py): the benchmark's settings with the captcha and
the per-client rate limits on, since the rate limit across instances is what it checks, and
static files straight from the finders, so no collectstatic has to run first."""

from verl_digital.settings.bench import *  # noqa: F403

FORM_CAPTCHA_ENABLED = True
RATE_LIMITS_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
