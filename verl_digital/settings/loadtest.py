"""Settings for the load test (bench/load.py) only — never for a site people use.

The settings of `make run` (bench/load.py starts the same launcher), but the captcha and the
per-client rate limits are off: twenty clients from one address would otherwise be stopped
after a handful of posts, and a machine cannot solve captchas.
"""

from .local import *  # noqa: F403
from .local import DATABASES, LOGGING, env

FORM_CAPTCHA_ENABLED = False
RATE_LIMITS_ENABLED = False

# A database of its own, created fresh by bench/load.py on the configured server.
DATABASES["default"]["NAME"] = env.str("LOADTEST_DATABASE", default="verl_loadtest")
# Mail is queued as tasks as always; nothing needs to leave the machine.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["root"]["level"] = "WARNING"
