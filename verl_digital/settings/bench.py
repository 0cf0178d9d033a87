"""`make bench`: production settings on plain HTTP over loopback, plus the bare view.

Only the benchmark uses this module. It adds `/bench/ok` (bench/urls.py) before the real URLs
and reads its database name from BENCH_DATABASE_NAME, so benchmark data never mixes with
the data of `make run`.
"""

from .prod import *  # noqa: F403
from .prod import DATABASES, env

ROOT_URLCONF = "bench.urls"
DATABASES["default"]["NAME"] = env.str("BENCH_DATABASE_NAME", default="verl_bench")
# wrk and the bench scripts speak plain HTTP to 127.0.0.1; no proxy adds TLS in front.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The __Host- prefix needs Secure cookies, which plain HTTP does not send back.
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
# The load generator is one client: a per-client limit would stop it after a few comments.
# The captcha stays on (bench/run.py stores the questions its POSTs answer).
RATE_LIMITS_ENABLED = False
