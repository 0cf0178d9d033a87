"""Subscriptions: a citizen's address gets updates only after its owner confirmed it.

Comment authors who ask to be notified and contact-form senders who want to hear about
measures (`notify_progress`) get one confirmation mail; only a `ConfirmedAddress` that still
wants mail is sent anything, always with a one-click unsubscribe link (RFC 8058). The mail
holds nothing the submitter wrote, and unrequested mails to one address are limited per day
(`CONFIRMATION_MAILS_PER_DAY`), so the forms cannot be used to mail strangers.

The confirmation mail, the confirmation page and the unsubscribe page say what the address
was given for (`address_purposes`): read from what asked for updates to it — comments with
`notify`, contact-form conversations with `notify_progress` — not stored a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from feedback.models import Comment, ConfirmedAddress, Conversation, UnrequestedMail
from feedback.outbox import absolute_url, email_queue
from feedback.ratelimit import mailbox_fingerprint
from strategy.base import validated_save
from strategy.town import town_profile

CONFIRMATION_SALT = "feedback.address-confirm"

CONFIRMATION_MAX_AGE = 7 * 24 * 60 * 60
# The budget of unrequested mail per mailbox (CONFIRMATION_MAILS_PER_DAY) rolls over this.
MAIL_BUDGET_PERIOD = timedelta(hours=24)


def normalize_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class ConfirmationLink:
    """What a confirmation link says: the address, and the address's state when it was sent."""

    email: str
    state: str


@dataclass(frozen=True)
class AddressPurposes:
    """What an address was given for: updates on comments, on measures (contact form), both;
    neither once what asked for them is gone (erased, or past retention)."""

    comments: bool
    contact: bool


def address_purposes(*, email: str) -> AddressPurposes:
    """Whether `email` asked for updates when commenting and/or in the contact form."""
    return AddressPurposes(
        comments=Comment.objects.filter(author_email__iexact=email, notify=True).exists(),
        contact=Conversation.objects.filter(
            contact_email__iexact=email, notify_progress=True
        ).exists(),
    )


def _address_state(email: str) -> str:
    """Changes whenever the address is confirmed or unsubscribed; empty before the first."""
    address = ConfirmedAddress.objects.filter(email=email).first()
    if address is None:
        return ""
    return f"{address.confirmed_at.isoformat()}|{address.unsubscribed_at or ''}"


def confirmation_token(email: str) -> str:
    """A link that works once: it names the address's state, which confirming changes."""
    email = normalize_email(email)
    return signing.dumps({"email": email, "state": _address_state(email)}, salt=CONFIRMATION_SALT)


def confirmation_link(token: str) -> ConfirmationLink:
    """The link's address and state; BadSignature when forged or expired."""
    value = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    if not isinstance(value, dict) or not isinstance(value.get("email"), str):
        raise signing.BadSignature("not a confirmation link")
    return ConfirmationLink(email=value["email"], state=str(value.get("state", "")))


def confirmation_link_used(link: ConfirmationLink) -> bool:
    """Whether the address changed since the link was sent (it was used, or overtaken)."""
    return _address_state(link.email) != link.state


def _verified_account_email(user: Any, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def confirmation_mail_limit_exceeded(email: str) -> bool:
    """Count one unrequested mail to `email`'s mailbox; True (and not counted) past the budget.

    Comment confirmations, contact-form receipts and the account mails anybody can trigger
    (sign-up verification, password reset) share one budget per mailbox over any 24 hours,
    so neither several forms nor "name+1@" … "name+4@" multiply what a stranger's mailbox
    can be sent. Counted in PostgreSQL, under a lock per mailbox: no cache eviction forgets
    it and concurrent requests cannot both take the last mail.
    """
    if not settings.RATE_LIMITS_ENABLED:
        return False
    key = mailbox_fingerprint(email)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"mail:{key}"])
    UnrequestedMail.objects.filter(sent_at__lt=now - MAIL_BUDGET_PERIOD).delete()
    sent = UnrequestedMail.objects.filter(mailbox=key, sent_at__gt=now - MAIL_BUDGET_PERIOD)
    if sent.count() >= settings.CONFIRMATION_MAILS_PER_DAY:
        return True
    validated_save(UnrequestedMail(mailbox=key, sent_at=now))
    return False


@transaction.atomic
def address_request_confirmation(*, email: str, user: Any = None) -> bool:
    """Ask an address to confirm itself before it gets any update; True if a mail is queued.

    The mail holds nothing the submitter wrote, and one address gets at most
    `CONFIRMATION_MAILS_PER_DAY` of them, so the form cannot be used to mail strangers.
    An account's verified address counts as confirmed.
    """
    email = normalize_email(email)
    if ConfirmedAddress.objects.subscribed().filter(email=email).exists():
        return False
    if user is not None and _verified_account_email(user, email):
        address_confirm(email=email)
        return False
    if confirmation_mail_limit_exceeded(email):
        return False
    url = reverse("feedback:address_confirm", kwargs={"token": confirmation_token(email)})
    email_queue(
        to=email,
        template="address_confirm",
        context={"confirm_url": absolute_url(url), "purposes": address_purposes(email=email)},
    )
    return True


@transaction.atomic
def address_confirm(*, email: str) -> ConfirmedAddress:
    """The address is its owner's (a verified account's, or a link was used): updates may now
    be mailed (again) to it."""
    email = normalize_email(email)
    address, _created = ConfirmedAddress.objects.select_for_update().get_or_create(
        email=email, defaults={"confirmed_at": timezone.now()}
    )
    address.confirmed_at = timezone.now()
    address.notify = True
    address.unsubscribed_at = None
    validated_save(address)
    return address


@transaction.atomic
def address_confirm_link(*, link: ConfirmationLink) -> ConfirmedAddress | None:
    """The owner clicked the link; None, changing nothing, when that link was used before.

    A link sent before an unsubscription must not turn the updates back on.
    """
    # The lock serialises two clicks on the same link: the second sees the first's change.
    ConfirmedAddress.objects.select_for_update().filter(email=link.email).first()
    if confirmation_link_used(link):
        return None
    return address_confirm(email=link.email)


@transaction.atomic
def address_unsubscribe(*, token: str) -> ConfirmedAddress | None:
    """Stop every update to the address the token belongs to; idempotent."""
    address = ConfirmedAddress.objects.select_for_update().filter(unsubscribe_token=token).first()
    if address is None:
        return None
    if address.notify:
        address.notify = False
        address.unsubscribed_at = timezone.now()
        validated_save(address)
    return address


def comment_author_address(comment: Comment) -> ConfirmedAddress | None:
    """The confirmed, still subscribed address of a comment's author who asked for updates."""
    if not (comment.notify and comment.author_email):
        return None
    email = normalize_email(comment.author_email)
    return ConfirmedAddress.objects.subscribed().filter(email=email).first()


def subscriber_notify(*, address: ConfirmedAddress, template: str, context: dict[str, Any]) -> None:
    """Queue a notification to a confirmed address, with a one-click unsubscribe (RFC 8058)."""
    unsubscribe_url = absolute_url(
        reverse("feedback:unsubscribe", kwargs={"token": address.unsubscribe_token})
    )
    email_queue(
        to=address.email,
        template=template,
        context={
            "unsubscribe_url": unsubscribe_url,
            "cdo_email": town_profile().cdo_email,
            **context,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
