"""Staff and their second factor: whether a session has passed it, and the link that unlocks
enrolling a staff account's first one.

Passed means: the signed-in account has an authenticator app or a passkey, and this session
presented one. allauth records every step of a sign-in in the session
(`allauth.account.authentication.get_authentication_records`); a second factor is a record
with the method "mfa": at sign-in, a passkey sign-in, or a reauthentication. Owning a factor
is not enough, because the session that enrolled it has not presented it. With
STAFF_REQUIRE_MFA off (DEBUG) everything counts as passed. Both things a second factor
guards ask `staff_second_factor_passed`: the admin (`verl_digital.middleware`) and previews of
drafts and scheduled items on the public site (`strategy.views.preview_user`, through
`request.second_factor_passed`).

The first factor: whoever enrols it owns the account's admin, so for staff a password must
not be enough. A staff account without a factor enrols only after following an enrolment
link, mailed on request to the account's primary verified address, or issued by an
administrator (`manage.py issue_enrolment_link`) for staff whose mail is not set up. A link
is signed, valid for `ENROLMENT_LINK_MAX_AGE`, names the account and works once
(`verl_digital.models.UsedEnrolmentLink`); a mailed link also names the session that asked for
it and works only there. Following it lets that session enrol for `ENROLMENT_GRANT_SECONDS`.
A further factor needs a session that presented an existing one; citizens enrol as allauth
lets them.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac

from verl_digital.models import UsedEnrolmentLink

# Factors that count: recovery codes alone are only a way back in, not a second factor.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

ENROLMENT_LINK_SALT = "verl_digital.accounts.enrolment-link"
ENROLMENT_LINK_MAX_AGE = 30 * 60
# How long a session may enrol after following a link.
ENROLMENT_GRANT_SECONDS = 30 * 60
_GRANT_SESSION_KEY = "verl_enrolment_grant"


def has_second_factor(user: Any) -> bool:
    """Whether the account has an authenticator app or a passkey."""
    return is_mfa_enabled(user, types=SECOND_FACTORS)


def staff_second_factor_passed(request: HttpRequest) -> bool:
    """Whether this session may do what staff need a second factor for: the admin, previews.

    True when the signed-in account has a second factor and this session presented one, or
    when STAFF_REQUIRE_MFA is off.
    """
    if not settings.STAFF_REQUIRE_MFA:
        return True
    user = request.user
    if not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    presented = any(record.get("method") == "mfa" for record in records)
    return presented and has_second_factor(user)


def needs_enrolment_link(user: Any) -> bool:
    """Whether enrolling a factor needs an enrolment link: a staff account without one."""
    return bool(settings.STAFF_REQUIRE_MFA and user.is_staff and not has_second_factor(user))


def enrolment_address(user: Any) -> str | None:
    """The address an enrolment link is mailed to: the account's primary verified one."""
    address = EmailAddress.objects.filter(user=user, primary=True, verified=True).first()
    return address.email if address else None


def _session_mark(session_key: str) -> str:
    """What a link says about the session it is bound to (not the key itself)."""
    return salted_hmac(ENROLMENT_LINK_SALT, session_key).hexdigest()[:32]


def enrolment_token(*, user: Any, session_key: str | None) -> str:
    """A new link's token: for `user`, bound to the session `session_key` unless None."""
    value = {
        "user": str(user.pk),
        "nonce": secrets.token_urlsafe(24),
        "session": _session_mark(session_key) if session_key else "",
    }
    return signing.dumps(value, salt=ENROLMENT_LINK_SALT)


@dataclass(frozen=True)
class EnrolmentLink:
    """What a valid link says: the account, its random number, the session mark ("": none)."""

    user_pk: str
    nonce: str
    session: str

    def names(self, user: Any) -> bool:
        return self.user_pk == str(user.pk)

    def fits_session(self, session_key: str | None) -> bool:
        """Whether it may be used in this session: a mailed link only in the one that asked."""
        if not self.session:
            return True
        return bool(session_key) and constant_time_compare(self.session, _session_mark(session_key))


class LinkExpired(Exception):
    """The link was genuine but is older than ENROLMENT_LINK_MAX_AGE."""


def enrolment_link(token: str) -> EnrolmentLink:
    """The link's content; LinkExpired when too old, BadSignature when forged or malformed."""
    try:
        value = signing.loads(token, salt=ENROLMENT_LINK_SALT, max_age=ENROLMENT_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    if not isinstance(value, dict) or not all(
        isinstance(value.get(key), str) for key in ("user", "nonce", "session")
    ):
        raise signing.BadSignature("not an enrolment link")
    return EnrolmentLink(user_pk=value["user"], nonce=value["nonce"], session=value["session"])


def enrolment_grant(request: HttpRequest) -> None:
    """Let this session enrol a factor for its account for ENROLMENT_GRANT_SECONDS."""
    request.session[_GRANT_SESSION_KEY] = {
        "user": str(request.user.pk),
        "until": time.time() + ENROLMENT_GRANT_SECONDS,
    }


def enrolment_allowed(request: HttpRequest) -> bool:
    """Whether this session may enrol a factor now (the enrolment pages ask this for staff).

    An account without a factor needs a followed link (`enrolment_grant`); one with a
    factor needs a session that presented it.
    """
    user = request.user
    if not needs_enrolment_link(user):
        return staff_second_factor_passed(request) if user.is_staff else True
    grant = request.session.get(_GRANT_SESSION_KEY)
    return (
        isinstance(grant, dict)
        and grant.get("user") == str(user.pk)
        and isinstance(grant.get("until"), int | float)
        and time.time() < grant["until"]
    )


def enrolment_link_used(link: EnrolmentLink) -> bool:
    return UsedEnrolmentLink.objects.filter(nonce=link.nonce).exists()
