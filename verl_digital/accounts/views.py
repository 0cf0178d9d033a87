"""The pages that unlock enrolling a staff account's first second factor
(`verl_digital.accounts.second_factor`): asking for the mailed link, and following a link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from verl_digital.accounts import services
from verl_digital.accounts.second_factor import (
    ENROLMENT_LINK_MAX_AGE,
    LinkExpired,
    enrolment_address,
    enrolment_allowed,
    enrolment_grant,
    enrolment_link,
    enrolment_link_used,
    needs_enrolment_link,
)

MINUTES = ENROLMENT_LINK_MAX_AGE // 60


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_request(request: HttpRequest) -> HttpResponse:
    """A staff member without a second factor asks for the link to their verified address."""
    if not needs_enrolment_link(request.user) or enrolment_allowed(request):
        return redirect("mfa_index")
    address = enrolment_address(request.user)
    if request.method == "POST" and address:
        if services.enrolment_link_mail(user=request.user, session_key=request.session.session_key):
            messages.success(
                request,
                _("Wir haben Ihnen den Einrichtungslink an %(address)s geschickt.")
                % {"address": address},
            )
        else:
            messages.error(
                request,
                _(
                    "An diese Adresse wurden heute schon zu viele E-Mails geschickt. Bitte "
                    "versuchen Sie es morgen noch einmal oder wenden Sie sich an die Administration."
                ),
            )
        return redirect("accounts:enrolment_request")
    context = {"address": address, "minutes": MINUTES}
    return render(request, "accounts/enrolment_request.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_link_follow(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the mail or from the administrator; it is spent only by the button (a
    mail program that opens links to check them spends nothing)."""

    def refused(problem: str) -> HttpResponse:
        context = {"problem": problem, "minutes": MINUTES}
        return render(request, "accounts/enrolment_link.html", context, status=400)

    try:
        link = enrolment_link(token)
    except LinkExpired:
        return refused("expired")
    except signing.BadSignature:
        return refused("invalid")
    if not link.names(request.user):
        return refused("other_account")
    if not link.fits_session(request.session.session_key):
        return refused("other_browser")
    if not needs_enrolment_link(request.user):
        return redirect("mfa_index")
    if request.method == "POST" and services.enrolment_link_use(link=link):
        enrolment_grant(request)
        messages.success(
            request,
            _(
                "Sie können jetzt in den nächsten %(minutes)s Minuten eine Authenticator-App "
                "oder einen Passkey einrichten."
            )
            % {"minutes": MINUTES},
        )
        return redirect("mfa_index")
    if enrolment_link_used(link):
        return refused("used")
    return render(request, "accounts/enrolment_link.html", {"minutes": MINUTES})
