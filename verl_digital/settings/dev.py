"""Settings for `make dev` and `manage.py`: DEBUG on unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import FILE_EMAIL_BACKEND, env, require_secret_key

DEBUG = env.bool("DEBUG", default=True)
if DEBUG:
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-dev-only-verl-digital")
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=FILE_EMAIL_BACKEND)
else:
    SECRET_KEY = require_secret_key(env.str("SECRET_KEY", default=""))

# Staff need a second factor for the admin unless DEBUG is on; passkeys then work on http.
STAFF_REQUIRE_MFA = env.bool("STAFF_REQUIRE_MFA", default=not DEBUG)
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
