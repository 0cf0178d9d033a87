"""Production settings: DEBUG is always off and every secret must come from the environment."""

from .base import *  # noqa: F403
from .base import env, require_content_pack, require_secret_key

DEBUG = False
SECRET_KEY = require_secret_key(env.str("SECRET_KEY", default=""))
CONTENT_PACK = require_content_pack(env.str("CONTENT_PACK", default=""))
STAFF_REQUIRE_MFA = env.bool("STAFF_REQUIRE_MFA", default=True)

# --- HTTPS ------------------------------------------------------------------------------
# TLS ends at the reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix makes browsers refuse these cookies unless they are Secure, for this host
# only (no Domain) and for the whole site: no subdomain can set or shadow them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
