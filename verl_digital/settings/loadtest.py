"""Settings for the load test (bench/load.py) only — never for a site people use.

Production-like (DEBUG off, PostgreSQL, gunicorn), but the captcha and the per-client rate
limits are off: fifty clients from one address would otherwise be stopped after a handful of
posts, and a machine cannot solve captchas. It runs on plain HTTP on localhost, so the
production HTTPS settings are not taken over.
"""

from .base import *  # noqa: F403
from .base import DATABASES, env, require_secret_key

DEBUG = False
# Passed in by bench/load.py: every gunicorn worker must sign cookies with the same key.
SECRET_KEY = require_secret_key(env.str("SECRET_KEY", default=""))
FORM_CAPTCHA_ENABLED = False
RATE_LIMITS_ENABLED = False

# A database of its own, created fresh by bench/load.py on the configured server.
DATABASES["default"]["NAME"] = env.str("LOADTEST_DATABASE", default="verl_loadtest")
# Mail is queued as tasks as always; nothing needs to leave the machine.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files straight from the finders: no collectstatic step before a run.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# No collectstatic before a run: WhiteNoise looks the files up as they are asked for.
WHITENOISE_AUTOREFRESH = True
