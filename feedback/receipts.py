"""Confirmations after a form was sent, carried in the redirect's URL instead of a cookie.

Django's messages would put them in a cookie (or a session), but anonymous visitors get no
cookie except the CSRF token of a form. The URL carries a signed, short-lived token instead;
it names only what was sent (a comment, a report, a reference number), so anyone who sees the
link learns nothing more than that page already shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.db.models import Model
from django.utils.translation import gettext as _

from feedback.models import Comment

SALT = "feedback.receipt"
# The confirmation is for the person who just sent the form, not for a bookmark.
MAX_AGE = 60 * 60
PARAMETER = "eingang"

COMMENT = "comment"
REPORT = "report"


@dataclass(frozen=True)
class Receipt:
    kind: str
    pk: int


def receipt_token(*, kind: str, pk: int) -> str:
    return signing.dumps([kind, pk], salt=SALT)


def receipt_read(token: str | None) -> Receipt | None:
    """The receipt a token was made for; None when missing, forged or expired."""
    if not token:
        return None
    try:
        kind, pk = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in {COMMENT, REPORT} or not isinstance(pk, int):
        return None
    return Receipt(kind, pk)


def receipt_message(receipt: Receipt | None, *, target: Model) -> str:
    """The German confirmation for a receipt about a comment on this page, else ""."""
    if receipt is None:
        return ""
    comment = Comment.objects.for_target(target).filter(pk=receipt.pk).first()
    if comment is None:
        return ""
    if receipt.kind == REPORT:
        return _("Danke für Ihre Meldung. Die Moderation prüft den Beitrag.")
    return comment_received_message(comment)


def comment_received_message(comment: Comment) -> str:
    if comment.is_public:
        message = _("Vielen Dank! Ihr Kommentar ist veröffentlicht.")
    else:
        message = _(
            "Vielen Dank! Ihr Kommentar ist eingegangen. Er erscheint hier, sobald "
            "die Moderation ihn geprüft hat."
        )
    if comment.notify:
        message += " " + _(
            "Falls Sie Ihre E-Mail-Adresse noch nicht bestätigt haben, schicken wir "
            "Ihnen einen Link dafür; erst danach erhalten Sie Benachrichtigungen."
        )
    return message


CONTACT_SALT = "feedback.contact-sent"
CONTACT_MAX_AGE = 24 * 60 * 60


def contact_token(reference: str, case_token: str = "") -> str:
    """The thank-you page's token: the reference and the link to the case page (its own
    signed token), both of which the sender is about to get by mail anyway."""
    return signing.dumps([reference, case_token], salt=CONTACT_SALT)


def contact_receipt(token: str) -> tuple[str, str] | None:
    """(reference, case token) of a thank-you page's token; None when forged or expired."""
    try:
        value = signing.loads(token, salt=CONTACT_SALT, max_age=CONTACT_MAX_AGE)
    except signing.BadSignature:
        return None
    if isinstance(value, str):  # tokens made before case pages existed
        return value, ""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(part, str) for part in value):
        return value[0], value[1]
    return None


def contact_reference(token: str) -> str | None:
    receipt = contact_receipt(token)
    return receipt[0] if receipt else None
