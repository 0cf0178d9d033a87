"""gunicorn's settings for production and `make run`: `gunicorn -c python:verl_digital.gunicorn_conf`.

The access log names time, method, path, status, size and duration only: no client address,
no query string, no referrer, no user agent. No IP address is stored anywhere, not even in
the container's log: `PrivateLogger` also takes the address out of gunicorn's own error
lines ("Invalid request from ip=…"), and escapes control characters in every line, so a
request path with an encoded line break or terminal escape cannot forge a log line.

Sync workers, one request at a time each: with CONN_MAX_AGE each worker keeps exactly one
database connection, so a server holds WEB_CONCURRENCY connections (plus one for the task
worker), however many clients arrive at once; the others wait in the listen backlog. Keep
WEB_CONCURRENCY × web servers well under PostgreSQL's `max_connections` (100 by default).

Before any worker starts, Django's system checks run with the deployment checks
(`verl_digital.checks`).
"""

import logging
import os
import re
import unicodedata

from gunicorn.glogging import Logger

bind = f"{os.environ.get('BIND_ADDRESS', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
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
logger_class = "verl_digital.gunicorn_conf.PrivateLogger"
# Many clients at once wait here for a free worker instead of being refused.
backlog = 2048
# No control socket (gunicornc): nothing here uses it, and in the image it would be created
# under $HOME, /app, which the unprivileged user cannot write to.
control_socket_disable = True


def on_starting(server: object) -> None:
    """Run Django's system checks, deployment checks included, in the master; an error (not
    a warning) stops gunicorn with exit status 1."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verl_digital.settings.prod")
    import django
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    django.setup()
    try:
        call_command("check", deploy=True)
    except SystemCheckError as error:
        raise RuntimeError(f"the site refuses to start:\n{error}") from None


# gunicorn writes "Invalid request from ip={ip}: {error}"; an address never holds ": ".
_CLIENT_ADDRESS = re.compile(r" from ip=.*?(?=: )")


def _escaped(text: str) -> str:
    """`text` with control and other non-printing characters written as escapes."""
    if text.isprintable():  # every ordinary line: one C-level scan, no per-character work
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char).startswith("C")
        else char
        for char in text
    )


class _PrivateLines(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _escaped(_CLIENT_ADDRESS.sub("", record.getMessage()))
        record.args = ()
        return True


class PrivateLogger(Logger):
    """gunicorn's logger, with every line (access and error log) passed through
    `_PrivateLines`: no client address, no raw control characters."""

    def setup(self, cfg: object) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(_PrivateLines())
