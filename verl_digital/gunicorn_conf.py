"""gunicorn's settings in the production image: `gunicorn -c python:verl_digital.gunicorn_conf`.

The access log names time, method, path, status, size and duration only: no client address,
no query string, no referrer, no user agent. No IP address is stored anywhere, not even in
the container's log.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# TLS ends at the reverse proxy in front; it sets X-Forwarded-Proto.
forwarded_allow_ips = "*"
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
# Request limits: a request line of 4 KB, 100 header fields of 8 KB each; bodies are limited by
# REQUEST_MAX_BYTES in Django (and should be by the proxy, e.g. nginx client_max_body_size 1m).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
timeout = 30
graceful_timeout = 30
