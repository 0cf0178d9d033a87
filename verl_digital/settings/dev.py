"""Settings for `make run` and local development: DEBUG on unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import env, require_secret_key

DEBUG = env.bool("DEBUG", default=True)
if DEBUG:
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-dev-only-verl-digital")
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
else:
    SECRET_KEY = require_secret_key(env.str("SECRET_KEY", default=""))
