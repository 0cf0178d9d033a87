"""The links a citizen gets by mail: a case's page and the objection to a moderation decision,
signed tokens, not stored secrets.

The URL carries `<case id>:<signature>`, the signature an HMAC-SHA256 (256 bits) of the id
under `SECRET_KEY` with a salt of its own (`django.core.signing.Signer`). Why signed rather
than a random token whose digest is stored:

- The site can write the link again whenever it mails the citizen (the receipt, a comment's
  approval or answer, a merged duplicate's answer) without ever storing it; a stored digest
  would allow only the one mail that carried the token when it was made.
- The database holds nothing that opens a case page: a leaked dump has the ids, but no
  signature can be made without `SECRET_KEY`, which lives outside the database.
- A guessed or altered link fails the constant-time signature check before any query: 404.
- While `SECRET_KEY` is rotated, `SECRET_KEY_FALLBACKS` keep the old links valid; once a
  former key is dropped from the fallbacks, links signed with it stop working (a citizen
  still has the reference number and can write to the town).

The reference number alone never opens anything: it is sequential, so guessable.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from feedback.models import Case, ModerationAction
from feedback.outbox import absolute_url

SALT = "feedback.case-page"
# The link to object to a moderation decision ("Widerspruch einlegen"), made the same way:
# `<ModerationAction id>:<signature>` under a salt of its own, so a case link can never be
# turned into an appeal link or back. How long it may be used is the decision's (14 days
# from `created_at`, checked by the appeal's view and service), not the token's.
APPEAL_SALT = "feedback.appeal"


def _signed(pk: int, *, salt: str) -> str:
    return signing.Signer(salt=salt).sign(str(pk))


def _signed_id(token: str, *, salt: str) -> int | None:
    """The id a token was signed for under `salt`; None when forged or malformed."""
    try:
        value = signing.Signer(salt=salt).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def case_token(case: Case) -> str:
    return _signed(case.pk, salt=SALT)


def case_id_from_token(token: str) -> int | None:
    """The case id a token was signed for; None when forged or malformed."""
    return _signed_id(token, salt=SALT)


def case_url(case: Case) -> str:
    return reverse("feedback:case", kwargs={"token": case_token(case)})


def case_absolute_url(case: Case) -> str:
    return absolute_url(case_url(case))


def appeal_token(decision: ModerationAction) -> str:
    return _signed(decision.pk, salt=APPEAL_SALT)


def decision_id_from_token(token: str) -> int | None:
    """The moderation action an appeal token was signed for; None when forged or malformed."""
    return _signed_id(token, salt=APPEAL_SALT)


def appeal_url(decision: ModerationAction) -> str:
    return reverse("feedback:appeal", kwargs={"token": appeal_token(decision)})


def appeal_absolute_url(decision: ModerationAction) -> str:
    return absolute_url(appeal_url(decision))
