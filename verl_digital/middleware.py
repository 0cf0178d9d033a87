"""Site-wide request checks that belong to no single app."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from strategy.town import error_page_context
from strategy.uploads import CAPTIONS_MAX_BYTES, POSTER_MAX_BYTES
from verl_digital.accounts.second_factor import (
    enrolment_allowed,
    has_second_factor,
    staff_second_factor_passed,
)

# Admin views a staff member without a second factor may still reach: signing out.
_ALWAYS_ALLOWED = {"logout"}
# allauth's pages that add a factor (recovery codes too: each is a way in).
_ENROLMENT_VIEWS = {"mfa_activate_totp", "mfa_add_webauthn", "mfa_generate_recovery_codes"}


def _present_factor(request: HttpRequest) -> HttpResponseRedirect:
    """To allauth's page that asks for the account's factor, then back here: the code page
    for an authenticator app, the security key page for an account with passkeys only."""
    types = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    keys_only = Authenticator.Type.TOTP not in types
    page = reverse("mfa_reauthenticate_webauthn" if keys_only else "mfa_reauthenticate")
    return HttpResponseRedirect(f"{page}?{urlencode({'next': request.get_full_path()})}")


class StaffMFARequiredMiddleware:
    """With STAFF_REQUIRE_MFA, staff use the admin only in a session that presented their
    second factor, and a staff account enrols its first factor only through an enrolment link
    (`verl_digital.accounts.second_factor`).

    Staff without a factor are sent to the page that sets up an authenticator app or a
    passkey; staff with one, to the page that asks for it. The admin's own login is allauth's
    (see verl_digital.urls), so a staff member who has a second factor presents it at sign-in.
    Every request carries `request.second_factor_passed()`, the same rule for the apps:
    strategy previews drafts only when it holds.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Asked lazily (it reads the session) and at most once per request.
        request.second_factor_passed = cache(partial(staff_second_factor_passed, request))
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.STAFF_REQUIRE_MFA:
            return None
        match = request.resolver_match
        if match is None:
            return None
        if match.url_name in _ENROLMENT_VIEWS:
            return self.enrolment_gate(request)
        if "admin" in match.namespaces and match.url_name not in _ALWAYS_ALLOWED:
            return self.admin_gate(request)
        return None

    def enrolment_gate(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not (user.is_authenticated and user.is_staff) or enrolment_allowed(request):
            return None  # citizens enrol as allauth lets them; allauth signs in the anonymous
        if has_second_factor(user):
            return _present_factor(request)
        return redirect("accounts:enrolment_request")

    def admin_gate(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return None  # the admin sends them to the login page itself
        if request.second_factor_passed():
            return None
        if has_second_factor(user):
            return _present_factor(request)
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

    The one exception: the admin's form for a video in Gebärdensprache takes up to
    SIGN_LANGUAGE_VIDEO_MAX_BYTES plus its captions and poster, and only from staff who
    passed the second factor. That is asked in `process_view`, which runs after the session
    and user are known but before the CSRF check reads the body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _content_length(request)
        limit = _video_upload_limit() if _is_video_upload(request) else settings.REQUEST_MAX_BYTES
        if length > limit:
            return _too_large()
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> HttpResponse | None:
        if _content_length(request) <= settings.REQUEST_MAX_BYTES:
            return None
        user = request.user
        passed = getattr(request, "second_factor_passed", None)
        if user.is_authenticated and user.is_staff and passed is not None and passed():
            return None
        return _too_large()


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django treats an unreadable length as an empty body, too


def _is_video_upload(request: HttpRequest) -> bool:
    return request.path.startswith(f"/{settings.ADMIN_PATH}strategy/signlanguagevideo/")


def _video_upload_limit() -> int:
    extra = CAPTIONS_MAX_BYTES + POSTER_MAX_BYTES + settings.REQUEST_MAX_BYTES
    return settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES + extra


def _too_large() -> HttpResponse:
    # Rendered without the request: its session must not be touched for this.
    response = HttpResponse(render_to_string("413.html", error_page_context()), status=413)
    response["Connection"] = "close"  # the unread body must not be parsed as a request
    return response
