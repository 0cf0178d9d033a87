"""Site-wide request checks that belong to no single app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# Factors that count: recovery codes alone are only a way back in, not a second factor.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
# Admin views a staff member without a second factor may still reach: signing out.
_ALWAYS_ALLOWED = {"logout"}


class StaffMFARequiredMiddleware:
    """With STAFF_REQUIRE_MFA, no admin page opens for staff without a second factor.

    They are sent to the page that sets up an authenticator app or a passkey. The admin's own login is allauth's (see verl_digital.urls), so a staff member
    who has a second factor must also present it to sign in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.STAFF_REQUIRE_MFA:
            return None
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces or match.url_name in _ALWAYS_ALLOWED:
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return None  # the admin sends them to the login page itself
        if is_mfa_enabled(user, types=SECOND_FACTORS):
            return None
        messages.warning(
            request,
            _(
                "Bevor Sie die Verwaltung nutzen können, richten Sie bitte die "
                "Zwei-Faktor-Authentifizierung ein: eine Authenticator-App oder einen Passkey."
            ),
        )
        return redirect("mfa_index")


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than REQUEST_MAX_BYTES before anything reads it.

    Django caps form data (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams file parts of any size
    to disk; the announced length settles both at once. Without a Content-Length, Django
    reads no body at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django treats an unreadable length as an empty body, too
        if length > settings.REQUEST_MAX_BYTES:
            # Rendered without the request: its session must not be touched for this.
            response = HttpResponse(render_to_string("413.html"), status=413)
            response["Connection"] = "close"  # the unread body must not be parsed as a request
            return response
        return self.get_response(request)
