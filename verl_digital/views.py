"""The hall's own views: the health check, security.txt and the error pages.

While the database is unreachable, `healthz` answers 503 and `server_error` (handler500)
turns `OperationalError`/`InterfaceError` into the German maintenance page (503 with
Retry-After). Error pages are rendered without the request's context processors.
"""

import sys
from datetime import UTC, timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from strategy.town import error_page_context, town_profile

# Seconds a client should wait before retrying while the database is away.
MAINTENANCE_RETRY_AFTER = 30


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: 503 while the database is unreachable."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # A broken connection must not be reused by the next request of this thread.
        connection.close_if_unusable_or_obsolete()
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# RFC 9116 asks for an expiry under a year ahead; the file is made on request, so it stays fresh.
SECURITY_TXT_VALIDITY = timedelta(days=180)


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """Where to report a vulnerability (RFC 9116), for people and scanners alike."""
    expires = (timezone.now() + SECURITY_TXT_VALIDITY).astimezone(UTC)
    lines = [
        f"Contact: mailto:{settings.SECURITY_CONTACT or town_profile().cdo_email}",
        f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: de, en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def not_offered(request: HttpRequest, **kwargs: str) -> HttpResponse:
    """A URL that exists only so that a library can build it; nothing is served there."""
    raise Http404


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The German 400 page, rendered without touching the request's data.

    Django's own handler checks the CSRF token again, which reads the body again: a body
    that could not be decoded the first time would then fail the error page itself (500).
    """
    return HttpResponse(render_to_string("400.html", error_page_context()), status=400)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The German 500 page, or a 503 maintenance page when the database is unreachable.

    Rendered without the request's context processors: they would touch the session and
    the database, which may be exactly what failed.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html", error_page_context()), status=503)
        response["Retry-After"] = str(MAINTENANCE_RETRY_AFTER)
        return response
    return HttpResponse(render_to_string("500.html", error_page_context()), status=500)
