"""Every write of the feedback app: atomic, state-checked, mail queued after commit."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.mail import email_queue
from feedback.models import (
    Comment,
    CommentReport,
    CommentStatus,
    ConfirmedAddress,
    ModerationAction,
    ModerationStep,
    RejectionReason,
)
from feedback.ratelimit import Limit, address_fingerprint, limit_exceeded
from feedback.roles import MODERATION
from feedback.text import clean_text
from strategy.models import Publishable

ANONYMOUS_AUTHOR = "gelöschtes Konto"
OFFICIAL_AUTHOR = "Stadt Verl"
# How long the same text from the same client is refused.
DUPLICATE_WINDOW = 24 * 60 * 60
CONFIRMATION_SALT = "feedback.address-confirm"
CONFIRMATION_MAX_AGE = 7 * 24 * 60 * 60
DIGEST_MARKER = "feedback:moderator-digest-scheduled"
# A digest lists this many items; the rest are counted.
DIGEST_MAX_ITEMS = 200


class TransitionNotAllowed(ValidationError):
    """A moderation step that the comment's current state does not allow."""


# --- Helpers --------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _actor_name(user: Any) -> str:
    if user is None:
        return _("automatisch")
    return user.get_full_name() or user.get_username()


def _locked(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().get(pk=comment.pk)


def _require(comment: Comment, step: str) -> None:
    if not comment.allows(step):
        raise TransitionNotAllowed(
            _("Dieser Schritt ist für einen Kommentar im Status „%(status)s“ nicht möglich.")
            % {"status": comment.get_status_display()},
            code="transition",
        )


def _log(*, comment: Comment, step: str, actor: Any, reason: str = "") -> ModerationAction:
    action = ModerationAction(
        comment=comment, action=step, actor=actor, actor_name=_actor_name(actor), reason=reason
    )
    action.full_clean()
    action.save()
    return action


def _text_key(text: str) -> str:
    normalized = " ".join(text.split()).casefold()
    return hashlib.sha256(normalized.encode()).hexdigest()[:32]


def _duplicate_keys(client_keys: Sequence[str], text: str) -> list[str]:
    digest = _text_key(text)
    return [f"comment-dup:{client}:{digest}" for client in client_keys]


def _notifiable_address(comment: Comment) -> ConfirmedAddress | None:
    """The confirmed, still subscribed address of an author who asked for updates."""
    if not (comment.notify and comment.author_email):
        return None
    return ConfirmedAddress.objects.filter(
        email=normalize_email(comment.author_email), notify=True
    ).first()


def _author_notify(*, comment: Comment, template: str, context: dict[str, Any]) -> bool:
    """Mail the author about their comment, only to a confirmed address that opted in."""
    address = _notifiable_address(comment)
    if address is None:
        return False
    unsubscribe_url = absolute_url(
        reverse("feedback:unsubscribe", kwargs={"token": address.unsubscribe_token})
    )
    email_queue(
        to=address.email,
        template=template,
        context={
            "comment": comment,
            "comment_url": absolute_url(comment.get_absolute_url()),
            "unsubscribe_url": unsubscribe_url,
            "cdo_email": settings.CDO_EMAIL,
            **context,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return True


def _is_trusted(user: Any) -> bool:
    if not (settings.COMMENTS_TRUST_APPROVED_AUTHORS and user is not None):
        return False
    earlier = Comment.objects.filter(user=user, is_official=False)
    return (
        earlier.approved().exists()
        and not earlier.filter(status__in=[CommentStatus.REJECTED, CommentStatus.SPAM]).exists()
    )


def _user_display(user: Any) -> str:
    return (user.get_full_name() or user.get_username())[:100]


# --- Submitting -----------------------------------------------------------------------------


@transaction.atomic
def comment_submit(
    *,
    target: models.Model,
    text: str,
    author_name: str = "",
    author_email: str = "",
    notify: bool = False,
    user: Any = None,
    parent: Comment | None = None,
    client_keys: Sequence[str] = (),
) -> Comment:
    """A citizen's comment (or reply): pending until a moderator approves it.

    `client_keys` are today's and yesterday's fingerprints of the client (see
    `feedback.ratelimit.recent_client_fingerprints`): the same text from the same client is
    refused for 24 hours, across the daily change of fingerprint.
    """
    if not isinstance(target, Publishable) or not target.is_published:
        raise ValidationError(_("Zu diesem Inhalt sind keine Kommentare möglich."), code="target")
    if user is not None and not user.is_authenticated:
        user = None
    if parent is not None and not (
        parent.parent_id is None
        and not parent.is_official
        and parent.is_public
        and parent.content_type_id == ContentType.objects.get_for_model(target).pk
        and parent.object_id == target.pk
    ):
        raise ValidationError(
            _("Auf diesen Kommentar kann nicht geantwortet werden."), code="parent"
        )
    duplicate_keys = _duplicate_keys(client_keys, text)
    if duplicate_keys and cache.get_many(duplicate_keys):
        raise ValidationError(
            {"text": _("Diesen Text haben Sie bereits gesendet. Er wird gerade geprüft.")},
            code="duplicate",
        )
    name = author_name.strip() or (_user_display(user) if user is not None else "")
    email = normalize_email(author_email)
    if notify and not email:
        raise ValidationError(
            {"author_email": _("Für eine Benachrichtigung brauchen wir Ihre E-Mail-Adresse.")},
            code="email_required",
        )
    now = timezone.now()
    comment = Comment(
        target=target,
        parent=parent,
        author_name=name,
        author_email=email,
        user=user,
        text=clean_text(text),
        notify=notify,
        consent_version=settings.PRIVACY_POLICY_VERSION,
        consented_at=now,
    )
    trusted = _is_trusted(user)
    if trusted:
        comment.status = CommentStatus.APPROVED
        comment.moderated_at = now
    comment.full_clean()
    comment.save()
    if trusted:
        _log(
            comment=comment,
            step=ModerationStep.APPROVE,
            actor=None,
            reason=_("Konto mit bisher nur freigegebenen Kommentaren"),
        )
    else:
        transaction.on_commit(moderators_notify_schedule)
    if duplicate_keys:
        first = duplicate_keys[0]
        transaction.on_commit(lambda: cache.set(first, True, timeout=DUPLICATE_WINDOW))
    if notify:
        address_request_confirmation(email=email, user=user)
    return comment


# --- Moderation -----------------------------------------------------------------------------


@transaction.atomic
def comment_approve(*, comment: Comment, moderator: Any, reason: str = "") -> Comment:
    comment = _locked(comment)
    _require(comment, "approve")
    comment.status = CommentStatus.APPROVED
    comment.moderated_at = timezone.now()
    comment.hidden_at = None
    comment.full_clean()
    comment.save()
    CommentReport.objects.filter(comment=comment).open().update(resolved_at=comment.moderated_at)
    _log(comment=comment, step=ModerationStep.APPROVE, actor=moderator, reason=reason)
    _author_notify(comment=comment, template="comment_approved", context={})
    return comment


@transaction.atomic
def comment_reject(
    *,
    comment: Comment,
    moderator: Any,
    reason: RejectionReason | None = None,
    note: str = "",
) -> Comment:
    """Reject; the chosen reason's text is mailed to an author who asked for updates."""
    comment = _locked(comment)
    _require(comment, "reject")
    comment.status = CommentStatus.REJECTED
    comment.moderated_at = timezone.now()
    comment.full_clean()
    comment.save()
    CommentReport.objects.filter(comment=comment).open().update(resolved_at=comment.moderated_at)
    logged = ": ".join(part for part in [reason.title if reason else "", note] if part)
    _log(comment=comment, step=ModerationStep.REJECT, actor=moderator, reason=logged)
    _author_notify(
        comment=comment,
        template="comment_rejected",
        context={"reason_text": reason.text if reason else ""},
    )
    return comment


@transaction.atomic
def comment_mark_spam(*, comment: Comment, moderator: Any, note: str = "") -> Comment:
    """Spam is never shown and its author gets no mail."""
    comment = _locked(comment)
    _require(comment, "spam")
    comment.status = CommentStatus.SPAM
    comment.moderated_at = timezone.now()
    comment.full_clean()
    comment.save()
    CommentReport.objects.filter(comment=comment).open().update(resolved_at=comment.moderated_at)
    _log(comment=comment, step=ModerationStep.SPAM, actor=moderator, reason=note)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, moderator: Any, text: str, reason: str = "") -> Comment:
    """Correct a comment's text; the text as submitted is kept and the edit is shown."""
    comment = _locked(comment)
    _require(comment, "edit")
    text = clean_text(text)
    if text == comment.text:
        return comment
    if not comment.original_text:
        comment.original_text = comment.text
    comment.text = text
    comment.edited_at = timezone.now()
    comment.full_clean()
    comment.save()
    _log(comment=comment, step=ModerationStep.EDIT, actor=moderator, reason=reason)
    return comment


@transaction.atomic
def comment_answer(*, comment: Comment, staff: Any, text: str) -> Comment:
    """The town's official answer, public at once, highlighted under the comment."""
    comment = _locked(comment)
    _require(comment, "answer")
    now = timezone.now()
    answer = Comment(
        content_type_id=comment.content_type_id,
        object_id=comment.object_id,
        parent=comment,
        author_name=OFFICIAL_AUTHOR,
        user=staff,
        text=clean_text(text),
        status=CommentStatus.APPROVED,
        is_official=True,
        moderated_at=now,
    )
    answer.full_clean()
    answer.save()
    _log(comment=comment, step=ModerationStep.ANSWER, actor=staff)
    _author_notify(comment=comment, template="comment_answered", context={"answer": answer})
    return answer


@transaction.atomic
def comment_hide(*, comment: Comment, moderator: Any, reason: str = "") -> Comment:
    """Take an approved comment off the page until it has been reviewed."""
    comment = _locked(comment)
    _require(comment, "hide")
    comment.hidden_at = timezone.now()
    comment.full_clean()
    comment.save()
    _log(comment=comment, step=ModerationStep.HIDE, actor=moderator, reason=reason)
    return comment


@transaction.atomic
def comment_restore(*, comment: Comment, moderator: Any, reason: str = "") -> Comment:
    """Show a hidden comment again; its open reports count as reviewed."""
    comment = _locked(comment)
    _require(comment, "restore")
    now = timezone.now()
    comment.hidden_at = None
    comment.full_clean()
    comment.save()
    CommentReport.objects.filter(comment=comment).open().update(resolved_at=now)
    _log(comment=comment, step=ModerationStep.RESTORE, actor=moderator, reason=reason)
    return comment


# --- Reports --------------------------------------------------------------------------------


@transaction.atomic
def comment_report(
    *, comment: Comment, reason: str, note: str = "", client_keys: Sequence[str] = ()
) -> CommentReport:
    """A reader reports a public comment; enough open reports hide it until reviewed.

    One client counts once per comment, so a single reader cannot hide a comment alone.
    """
    comment = _locked(comment)
    if not comment.is_public:
        raise ValidationError(_("Dieser Beitrag kann nicht gemeldet werden."), code="not_public")
    seen_keys = [f"comment-report:{client}:{comment.pk}" for client in client_keys]
    if seen_keys and cache.get_many(seen_keys):
        raise ValidationError(
            _("Sie haben diesen Beitrag bereits gemeldet. Die Moderation prüft ihn."),
            code="duplicate",
        )
    report = CommentReport(comment=comment, reason=reason, note=note.strip())
    report.full_clean()
    report.save()
    open_reports = CommentReport.objects.filter(comment=comment).open().count()
    if open_reports >= settings.COMMENT_REPORT_THRESHOLD:
        comment.hidden_at = timezone.now()
        comment.full_clean()
        comment.save()
        _log(
            comment=comment,
            step=ModerationStep.HIDE,
            actor=None,
            reason=_("%(count)d Meldungen") % {"count": open_reports},
        )
    if seen_keys:
        first = seen_keys[0]
        transaction.on_commit(lambda: cache.set(first, True, timeout=DUPLICATE_WINDOW))
    transaction.on_commit(moderators_notify_schedule)
    return report


# --- Addresses ------------------------------------------------------------------------------


def confirmation_token(email: str) -> str:
    return signing.dumps(normalize_email(email), salt=CONFIRMATION_SALT)


def confirmation_email(token: str) -> str:
    """The address a confirmation link was made for; BadSignature when forged or expired."""
    return signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)


def _verified_account_email(user: Any, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def address_request_confirmation(*, email: str, user: Any = None) -> bool:
    """Ask an address to confirm itself before it gets any update; True if a mail is queued.

    The mail holds nothing the submitter wrote, and one address gets at most
    `CONFIRMATION_MAILS_PER_DAY` of them, so the form cannot be used to mail strangers.
    An account's verified address counts as confirmed.
    """
    email = normalize_email(email)
    if ConfirmedAddress.objects.filter(email=email, notify=True).exists():
        return False
    if user is not None and _verified_account_email(user, email):
        address_confirm(email=email)
        return False
    limit = Limit("confirm-mail", settings.CONFIRMATION_MAILS_PER_DAY, 24 * 60 * 60)
    if limit_exceeded(limit=limit, key=address_fingerprint(email)):
        return False
    url = reverse("feedback:address_confirm", kwargs={"token": confirmation_token(email)})
    email_queue(to=email, template="address_confirm", context={"confirm_url": absolute_url(url)})
    return True


@transaction.atomic
def address_confirm(*, email: str) -> ConfirmedAddress:
    """The owner clicked the link: updates may now be mailed (again) to this address."""
    email = normalize_email(email)
    address, _created = ConfirmedAddress.objects.select_for_update().get_or_create(
        email=email, defaults={"confirmed_at": timezone.now()}
    )
    address.confirmed_at = timezone.now()
    address.notify = True
    address.unsubscribed_at = None
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def address_unsubscribe(*, token: str) -> ConfirmedAddress | None:
    """Stop every update to the address the token belongs to; idempotent."""
    address = ConfirmedAddress.objects.select_for_update().filter(unsubscribe_token=token).first()
    if address is None:
        return None
    if address.notify:
        address.notify = False
        address.unsubscribed_at = timezone.now()
        address.full_clean()
        address.save()
    return address


# --- Accounts -------------------------------------------------------------------------------


@transaction.atomic
def account_delete(*, user: Any) -> int:
    """Delete an account; its comments stay, under the name "gelöschtes Konto".

    Returns the number of comments anonymized.
    """
    addresses = {normalize_email(user.email)} if user.email else set()
    addresses |= {
        normalize_email(e)
        for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    count = Comment.objects.filter(user=user, is_official=False).update(
        author_name=ANONYMOUS_AUTHOR, author_email="", notify=False, user=None
    )
    ConfirmedAddress.objects.filter(email__in=addresses).delete()
    user.delete()
    return count


# --- Moderator digest -----------------------------------------------------------------------


def _last_digest_at() -> Any:
    times = [
        Comment.objects.aggregate(last=Max("moderators_notified_at"))["last"],
        CommentReport.objects.aggregate(last=Max("moderators_notified_at"))["last"],
    ]
    times = [t for t in times if t is not None]
    return max(times) if times else None


def _next_digest_at(now: Any) -> Any:
    last = _last_digest_at()
    if last is None:
        return now
    return max(now, last + timedelta(seconds=settings.MODERATION_NOTIFY_INTERVAL))


def _enqueue_digest(*, now: Any, run_after: Any) -> None:
    """Enqueue the digest task; a later run is enqueued once, marked in the cache until then.

    A due digest is always enqueued: a marker outliving a run that has already taken its
    list would leave newer items waiting. Surplus runs find nothing new and send nothing.
    """
    from feedback.tasks import notify_moderators

    wait = math.ceil((run_after - now).total_seconds())
    if wait > 0 and not cache.add(DIGEST_MARKER, True, timeout=wait):
        return
    notify_moderators.using(run_after=run_after).enqueue()


def moderators_notify_schedule() -> None:
    """Make sure a digest for the moderators is scheduled; called after a new item commits."""
    now = timezone.now()
    _enqueue_digest(now=now, run_after=_next_digest_at(now))


@transaction.atomic
def moderators_notify() -> str:
    """Mail the moderators one list of all new pending comments and reports.

    Runs in the background worker; at most one digest per `MODERATION_NOTIFY_INTERVAL`.
    """
    now = timezone.now()
    comments = Comment.objects.awaiting_digest()
    reports = CommentReport.objects.awaiting_digest()
    if not (comments.exists() or reports.exists()):
        return "nothing"
    due = _next_digest_at(now)
    if due > now:
        _enqueue_digest(now=now, run_after=due)
        return "deferred"
    comment_ids = list(
        comments.select_for_update(skip_locked=True)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    report_ids = list(
        reports.select_for_update(skip_locked=True)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    Comment.objects.filter(pk__in=comment_ids).update(moderators_notified_at=now)
    CommentReport.objects.filter(pk__in=report_ids).update(moderators_notified_at=now)
    listed_comments = list(
        Comment.objects.filter(pk__in=comment_ids[:DIGEST_MAX_ITEMS])
        .select_related("content_type")
        .prefetch_related("target")
        .order_by("created_at")
    )
    listed_reports = list(
        CommentReport.objects.filter(pk__in=report_ids[:DIGEST_MAX_ITEMS])
        .select_related("comment")
        .order_by("created_at")
    )
    recipients = sorted(
        set(
            get_user_model()
            .objects.filter(groups__name=MODERATION, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )

    def admin_url(name: str, pk: int) -> str:
        return absolute_url(reverse(name, args=[pk]))

    context = {
        "comments": [
            (c, admin_url("admin:feedback_comment_change", c.pk)) for c in listed_comments
        ],
        "reports": [
            (r, admin_url("admin:feedback_comment_change", r.comment_id)) for r in listed_reports
        ],
        "more_comments": max(0, len(comment_ids) - DIGEST_MAX_ITEMS),
        "more_reports": max(0, len(report_ids) - DIGEST_MAX_ITEMS),
        "comment_count": len(comment_ids),
        "report_count": len(report_ids),
        "queue_url": absolute_url(reverse("admin:feedback_comment_changelist"))
        + "?status__exact=pending",
    }
    for recipient in recipients:
        email_queue(to=recipient, template="moderators_digest", context=context)
    return "sent" if recipients else "no-recipients"
