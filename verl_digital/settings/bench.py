"""`make bench`: the settings of `make run` (production on plain HTTP), plus the bare view.

Only the benchmark uses this module. It adds `/bench/ok` (bench/urls.py) before the real URLs
and reads its database name from BENCH_DATABASE_NAME, so benchmark data never mixes with
the data of `make run`.
"""

from .local import *  # noqa: F403
from .local import DATABASES, env

ROOT_URLCONF = "bench.urls"
DATABASES["default"]["NAME"] = env.str("BENCH_DATABASE_NAME", default="verl_bench")
# The load generator is one client: a per-client limit would stop it after a few comments.
# The captcha stays on (bench/run.py makes the questions its POSTs answer).
RATE_LIMITS_ENABLED = False
