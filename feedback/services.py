"""Every write of the feedback app: atomic, state-checked, mail queued after commit."""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr
from itertools import chain
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.comments.digest import moderators_notify_schedule
from feedback.inbound import (
    InvalidMail,
    ParsedMail,
    parse_message,
    sniff_content_type,
    storable_text,
)
from feedback.models import (
    AccountConsent,
    Attachment,
    Channel,
    Comment,
    CommentReport,
    CommentStatus,
    ConfirmedAddress,
    Conversation,
    ConversationStatus,
    Direction,
    MeasureLink,
    Message,
    ModerationAction,
    ModerationStep,
    ReferenceCounter,
    RejectionReason,
    Topic,
)
from feedback.outbox import absolute_url, email_queue
from feedback.ratelimit import Limit, address_fingerprint, limit_exceeded
from feedback.roles import MODERATION
from feedback.secretbox import (
    authenticator_secrets_map,
    is_current,
    secret_decrypt,
    secret_encrypt,
)
from feedback.text import clean_text
from strategy.base import TransitionNotAllowed, transition_check, validated_save
from strategy.models import Measure, MeasureStatus, Publishable
from strategy.services import SeedReport, content_seed
from strategy.verl_content import SeedItem
from verl_digital.versions import COMMENTS, CONTENT, comments_of, versions_bump

ANONYMOUS_AUTHOR = "gelöschtes Konto"
OFFICIAL_AUTHOR = "Stadt Verl"
# How long the same text from the same client is refused.
DUPLICATE_WINDOW = 24 * 60 * 60
CONFIRMATION_SALT = "feedback.address-confirm"
CONFIRMATION_MAX_AGE = 7 * 24 * 60 * 60


# --- Helpers --------------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _actor_name(user: Any) -> str:
    if user is None:
        return _("automatisch")
    return user.get_full_name() or user.get_username()


def _locked(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().get(pk=comment.pk)


# The moderation steps that set a status, and the status each one sets.
STEP_STATUS = {
    ModerationStep.APPROVE: CommentStatus.APPROVED,
    ModerationStep.REJECT: CommentStatus.REJECTED,
    ModerationStep.SPAM: CommentStatus.SPAM,
}
# The steps that leave the status as it is, and what each needs of the comment.
STEP_PRECONDITIONS: dict[str, Callable[[Comment], bool]] = {
    ModerationStep.EDIT: lambda comment: comment.is_editable,
    ModerationStep.HIDE: lambda comment: comment.is_public,
    ModerationStep.RESTORE: lambda comment: (
        comment.status == CommentStatus.APPROVED and comment.is_hidden
    ),
    ModerationStep.ANSWER: lambda comment: (
        comment.status == CommentStatus.APPROVED
        and comment.parent_id is None
        and not comment.is_official
    ),
}


def _step_refused_message(comment: Comment) -> str:
    return _("Dieser Schritt ist für einen Kommentar im Status „%(status)s“ nicht möglich.") % {
        "status": comment.get_status_display()
    }


def comment_status_check(*, comment: Comment, status: str) -> None:
    """Raise TransitionNotAllowed unless the comment may move from its status to `status`."""
    transition_check(
        transitions=Comment.TRANSITIONS,
        current=comment.status,
        new=status,
        message=_step_refused_message(comment),
    )


def comment_step_check(*, comment: Comment, step: str) -> None:
    """Raise TransitionNotAllowed unless the moderation step `step` may be taken now.

    Steps that set a status follow `Comment.TRANSITIONS`; the others have preconditions of
    their own (`STEP_PRECONDITIONS`). The admin calls it to explain a refused step before
    anything is saved.
    """
    if step in STEP_STATUS:
        comment_status_check(comment=comment, status=STEP_STATUS[step])
    elif not STEP_PRECONDITIONS[step](comment):
        raise TransitionNotAllowed(_step_refused_message(comment), code="step_not_allowed")


def _log(*, comment: Comment, step: str, actor: Any, reason: str = "") -> ModerationAction:
    action = ModerationAction(
        comment=comment, action=step, actor=actor, actor_name=_actor_name(actor), reason=reason
    )
    validated_save(action)
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


def _subscriber_notify(
    *, address: ConfirmedAddress, template: str, context: dict[str, Any]
) -> None:
    """Queue a notification to a confirmed address, with a one-click unsubscribe (RFC 8058)."""
    unsubscribe_url = absolute_url(
        reverse("feedback:unsubscribe", kwargs={"token": address.unsubscribe_token})
    )
    email_queue(
        to=address.email,
        template=template,
        context={"unsubscribe_url": unsubscribe_url, "cdo_email": settings.CDO_EMAIL, **context},
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _author_notify(*, comment: Comment, template: str, context: dict[str, Any]) -> bool:
    """Mail the author about their comment, only to a confirmed address that opted in."""
    address = _notifiable_address(comment)
    if address is None:
        return False
    _subscriber_notify(
        address=address,
        template=template,
        context={
            "comment": comment,
            "comment_url": absolute_url(comment.get_absolute_url()),
            **context,
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


def comments_public_changed(*comments: Comment) -> None:
    """Cached pages showing these comments' items are rebuilt once the transaction commits."""
    targets = {comments_of(c.content_type_id, c.object_id) for c in comments}
    versions_bump(*targets, COMMENTS)


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
    validated_save(comment)
    if trusted:
        _log(
            comment=comment,
            step=ModerationStep.APPROVE,
            actor=None,
            reason=_("Konto mit bisher nur freigegebenen Kommentaren"),
        )
        comments_public_changed(comment)
    else:
        transaction.on_commit(moderators_notify_schedule)
    if duplicate_keys:
        first = duplicate_keys[0]
        transaction.on_commit(lambda: cache.set(first, True, timeout=DUPLICATE_WINDOW))
    if notify:
        address_request_confirmation(email=email, user=user)
    return comment


# --- Moderation -----------------------------------------------------------------------------


def _moderation_step(*, comment: Comment, step: str, moderator: Any, reason: str) -> Comment:
    """What approving, rejecting and marking as spam share: lock, check, set the status,
    count open reports as resolved, log, and have the public pages rebuilt."""
    comment = _locked(comment)
    status = STEP_STATUS[step]
    comment_status_check(comment=comment, status=status)
    comment.status = status
    comment.moderated_at = timezone.now()
    if status == CommentStatus.APPROVED:
        comment.hidden_at = None  # approving is the review that reports ask for
    validated_save(comment)
    CommentReport.objects.filter(comment=comment).open().update(resolved_at=comment.moderated_at)
    _log(comment=comment, step=step, actor=moderator, reason=reason)
    comments_public_changed(comment)
    return comment


@transaction.atomic
def comment_approve(*, comment: Comment, moderator: Any, reason: str = "") -> Comment:
    comment = _moderation_step(
        comment=comment, step=ModerationStep.APPROVE, moderator=moderator, reason=reason
    )
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
    logged = ": ".join(part for part in [reason.title if reason else "", note] if part)
    comment = _moderation_step(
        comment=comment, step=ModerationStep.REJECT, moderator=moderator, reason=logged
    )
    _author_notify(
        comment=comment,
        template="comment_rejected",
        context={"reason_text": reason.text if reason else ""},
    )
    return comment


@transaction.atomic
def comment_mark_spam(*, comment: Comment, moderator: Any, note: str = "") -> Comment:
    """Spam is never shown and its author gets no mail."""
    return _moderation_step(
        comment=comment, step=ModerationStep.SPAM, moderator=moderator, reason=note
    )


@transaction.atomic
def comment_edit(*, comment: Comment, moderator: Any, text: str, reason: str = "") -> Comment:
    """Correct a comment's text; the text as submitted is kept and the edit is shown."""
    comment = _locked(comment)
    comment_step_check(comment=comment, step=ModerationStep.EDIT)
    text = clean_text(text)
    if text == comment.text:
        return comment
    if not comment.original_text:
        comment.original_text = comment.text
    comment.text = text
    comment.edited_at = timezone.now()
    validated_save(comment)
    _log(comment=comment, step=ModerationStep.EDIT, actor=moderator, reason=reason)
    comments_public_changed(comment)
    return comment


@transaction.atomic
def comment_answer(*, comment: Comment, staff: Any, text: str) -> Comment:
    """The town's official answer, public at once, highlighted under the comment."""
    comment = _locked(comment)
    comment_step_check(comment=comment, step=ModerationStep.ANSWER)
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
    validated_save(answer)
    _log(comment=comment, step=ModerationStep.ANSWER, actor=staff)
    comments_public_changed(comment)
    _author_notify(comment=comment, template="comment_answered", context={"answer": answer})
    return answer


@transaction.atomic
def comment_hide(*, comment: Comment, moderator: Any, reason: str = "") -> Comment:
    """Take an approved comment off the page until it has been reviewed."""
    comment = _locked(comment)
    comment_step_check(comment=comment, step=ModerationStep.HIDE)
    comment.hidden_at = timezone.now()
    validated_save(comment)
    _log(comment=comment, step=ModerationStep.HIDE, actor=moderator, reason=reason)
    comments_public_changed(comment)
    return comment


@transaction.atomic
def comment_restore(*, comment: Comment, moderator: Any, reason: str = "") -> Comment:
    """Show a hidden comment again; its open reports count as reviewed."""
    comment = _locked(comment)
    comment_step_check(comment=comment, step=ModerationStep.RESTORE)
    now = timezone.now()
    comment.hidden_at = None
    validated_save(comment)
    CommentReport.objects.filter(comment=comment).open().update(resolved_at=now)
    _log(comment=comment, step=ModerationStep.RESTORE, actor=moderator, reason=reason)
    comments_public_changed(comment)
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
    validated_save(report)
    open_reports = CommentReport.objects.filter(comment=comment).open().count()
    if open_reports >= settings.COMMENT_REPORT_THRESHOLD:
        comment.hidden_at = timezone.now()
        validated_save(comment)
        _log(
            comment=comment,
            step=ModerationStep.HIDE,
            actor=None,
            reason=_("%(count)d Meldungen") % {"count": open_reports},
        )
        comments_public_changed(comment)
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


def _confirmation_mail_limit_exceeded(email: str) -> bool:
    """Count one unrequested mail to `email`, whichever form caused it.

    Comment confirmations and contact-form receipts share the budget, so using both forms
    does not double what a stranger's mailbox can be sent.
    """
    limit = Limit("confirmation-mail", settings.CONFIRMATION_MAILS_PER_DAY, 24 * 60 * 60)
    return limit_exceeded(limit=limit, key=address_fingerprint(email))


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
    if _confirmation_mail_limit_exceeded(email):
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
    validated_save(address)
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
        validated_save(address)
    return address


# --- Accounts -------------------------------------------------------------------------------


@transaction.atomic
def account_consent_record(*, user: Any, version: str) -> AccountConsent:
    """Remember which privacy policy a new account agreed to (the latest agreement counts)."""
    consent = AccountConsent.objects.select_for_update().filter(user=user).first()
    consent = consent or AccountConsent(user=user)
    consent.version = version
    consent.consented_at = timezone.now()
    validated_save(consent)
    return consent


@transaction.atomic
def mfa_secrets_encrypt(*, model: Any = None, dry_run: bool = False) -> int:
    """Store every second factor's secret encrypted under the current SECRET_KEY.

    Clear text (stored before encryption) and values under a former key (see
    SECRET_KEY_FALLBACKS) are rewritten; the rest is left alone, so a second run changes
    nothing. Returns how many authenticators were rewritten (or would be, with `dry_run`).
    `model` is the Authenticator model to use (a migration passes its historical one).
    """
    model = model or Authenticator

    def current(value: str) -> str:
        return value if is_current(value) else secret_encrypt(secret_decrypt(value))

    changed = 0
    with transaction.atomic():
        types = [Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
        for authenticator in model.objects.select_for_update().filter(type__in=types):
            data = authenticator_secrets_map(authenticator.data, current)
            if data == authenticator.data:
                continue
            changed += 1
            if not dry_run:
                authenticator.data = data
                # allauth leaves last_used_at NULL until first use but not blank=True.
                authenticator.full_clean(exclude=["last_used_at"])
                authenticator.save(update_fields=["data"])
    return changed


def account_delete(*, user: Any) -> int:
    """Delete an account; its comments stay, under the name "gelöschtes Konto".

    Returns the number of comments anonymized.
    """
    addresses = {normalize_email(user.email)} if user.email else set()
    addresses |= {
        normalize_email(e)
        for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    comments = Comment.objects.filter(user=user, is_official=False)
    targets = comments.order_by().values_list("content_type_id", "object_id").distinct()
    versions_bump(*(comments_of(*target) for target in targets), COMMENTS)
    count = comments.update(author_name=ANONYMOUS_AUTHOR, author_email="", notify=False, user=None)
    ConfirmedAddress.objects.filter(email__in=addresses).delete()
    user.delete()
    return count


def account_by_email(email: str) -> Any:
    """The account an address belongs to (as its user's e-mail or an allauth address)."""
    email = normalize_email(email)
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address else None
    return user


def _free_username(email: str) -> str:
    """A user name from the address's local part (it is the public name of one's comments,
    so not the whole address); numbered when taken."""
    base = re.sub(r"[^\w.+-]", "", email.partition("@")[0])[:140] or "admin"
    users = get_user_model().objects.filter(username__istartswith=base)
    taken = {name.casefold() for name in users.values_list("username", flat=True)}
    username, number = base, 1
    while username.casefold() in taken:
        number += 1
        username = f"{base}-{number}"
    return username


@transaction.atomic
def superuser_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    username: str = "",
) -> tuple[Any, bool]:
    """A superuser who can sign in at once; (the account, whether it was created).

    Sign-in is by e-mail only and needs a verified address, so the address becomes the
    account's primary, verified allauth address; membership in Moderation brings the
    moderators' mails. An address that has an account already changes nothing. With
    `password` None the password is unusable until set through "Passwort vergessen?".
    The group Moderation must exist (`manage.py setup_roles`).
    """
    email = normalize_email(email)
    existing = account_by_email(email)
    if existing is not None:
        return existing, False
    moderation = Group.objects.get(name=MODERATION)
    user = get_user_model().objects.create_superuser(
        username=username or _free_username(email),
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    user.groups.add(moderation)
    return user, True


# --- Reference numbers ------------------------------------------------------------------


def reference_allocate() -> str:
    """The next reference number, e.g. VERL-2026-000123; unique even under concurrency.

    One upsert on the year's counter row: concurrent callers queue on its row lock, and a
    caller whose transaction rolls back gives its number back.
    """
    year = timezone.localdate().year
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [year],
        )
        number = cursor.fetchone()[0]
    return f"{settings.REFERENCE_PREFIX}-{year}-{number:06d}"


def reference_pattern() -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(settings.REFERENCE_PREFIX)}-\d{{4}}-\d{{6,}}\b", re.I)


# --- Contact form -----------------------------------------------------------------------


def conversation_open_from_form(
    *,
    name: str,
    email: str,
    subject: str,
    topic: Topic | None,
    text: str,
    consent_version: str,
    notify_progress: bool = False,
) -> Conversation:
    """Store a contact-form message as a new conversation and confirm it to the sender.

    The confirmation names only the reference number, never what was typed: otherwise the
    form would send any text to any address. Confirmations to one address are limited too.
    A sender who wants to hear about the progress of measures (`notify_progress`) is asked
    to confirm the address first, as comment authors are; only then is anything mailed.
    """
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation(
            reference=reference_allocate(),
            channel=Channel.FORM,
            subject=subject[:255],
            topic=topic,
            contact_name=name,
            contact_email=email,
            consent_version=consent_version,
            consented_at=now,
            notify_progress=notify_progress,
            created_at=now,
            last_message_at=now,
        )
        validated_save(conversation)
        validated_save(
            Message(
                conversation=conversation,
                direction=Direction.IN,
                from_name=name,
                from_address=email,
                to=settings.CDO_EMAIL,
                subject=subject[:255],
                text=text,
                sent_at=now,
                created_at=now,
            )
        )
        if not _confirmation_mail_limit_exceeded(email):
            email_queue(
                to=email,
                template="contact_confirmation",
                context={"reference": conversation.reference},
                reply_to=[settings.CDO_EMAIL],
            )
        if notify_progress:
            address_request_confirmation(email=email)
    return conversation


# --- Inbound e-mail ---------------------------------------------------------------------


class IngestOutcome(enum.StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    AUTO_REPLY = "auto-reply"
    REJECTED = "rejected"


@dataclass(frozen=True)
class IngestResult:
    outcome: IngestOutcome
    reason: str = ""
    conversation: Conversation | None = None
    message: Message | None = None


def _duplicate_of(mail: ParsedMail) -> Message | None:
    if mail.message_id:
        return Message.objects.filter(message_id=mail.message_id).first()
    return Message.objects.filter(message_id=None, content_hash=mail.content_hash).first()


def _thread(mail: ParsedMail) -> Conversation | None:
    """The conversation a reply belongs to: by our Message-IDs, else by the reference number.

    Message-IDs we generate are unguessable, so a header match is trusted from any sender;
    a reference number in the subject is guessable, so it counts only from the address
    the conversation is with.
    """
    ids = [i for i in [mail.in_reply_to, *reversed(mail.references)] if i]
    if ids:
        parent = (
            Message.objects.filter(message_id__in=ids)
            .select_related("conversation")
            .order_by("-created_at")
            .first()
        )
        if parent is not None:
            return parent.conversation
    for reference in reference_pattern().findall(mail.subject):
        conversation = Conversation.objects.filter(
            reference=reference.upper(), contact_email__iexact=mail.from_address
        ).first()
        if conversation is not None:
            return conversation
    return None


def _attachments_store(*, message: Message, mail: ParsedMail, dry_run: bool) -> list[str]:
    """Keep the attachments that pass size, count and type checks; describe the others."""
    dropped = []
    kept = 0
    for attachment in mail.attachments:
        size = len(attachment.payload)
        content_type = sniff_content_type(attachment.payload, attachment.declared_type)
        if kept >= settings.ATTACHMENT_MAX_COUNT:
            reason = _("zu viele Anhänge")
        elif size > settings.ATTACHMENT_MAX_BYTES:
            reason = _("zu groß (%(size)s Bytes)") % {"size": size}
        elif content_type not in settings.ATTACHMENT_CONTENT_TYPES:
            reason = _("Dateityp nicht erlaubt (angegeben: %(type)s)") % {
                "type": attachment.declared_type
            }
        else:
            kept += 1
            if not dry_run:
                stored = Attachment(
                    message=message,
                    filename=attachment.filename,
                    content_type=content_type,
                    size=size,
                )
                stored.file.save(attachment.filename, ContentFile(attachment.payload), save=False)
                validated_save(stored)
            continue
        dropped.append(f"{attachment.filename}: {reason}")
    return dropped


def message_ingest(*, raw: bytes, dry_run: bool = False) -> IngestResult:
    """Store one inbound e-mail: in its conversation if it is a reply, else in a new one.

    Every message ends in exactly one outcome. Duplicates are recognised by Message-ID, or by
    content when there is none; the database's unique constraints decide when two ingests
    race. Auto-replies and bounces are skipped, so nothing automatic is ever answered.
    With `dry_run` the outcome is worked out and nothing is kept.
    """
    if len(raw) > settings.EMAIL_MAX_BYTES:
        return IngestResult(
            IngestOutcome.REJECTED,
            f"message too large ({len(raw)} bytes, limit {settings.EMAIL_MAX_BYTES})",
        )
    try:
        mail = parse_message(raw)
    except InvalidMail as error:
        return IngestResult(IngestOutcome.REJECTED, str(error))
    if mail.auto_reply:
        return IngestResult(IngestOutcome.AUTO_REPLY, mail.auto_reply)
    if duplicate := _duplicate_of(mail):
        return IngestResult(
            IngestOutcome.DUPLICATE, "already stored", duplicate.conversation, duplicate
        )
    try:
        with transaction.atomic():
            conversation, message = _mail_store(mail, dry_run=dry_run)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        # Another ingest stored the same mail between our check and our insert.
        if duplicate := _duplicate_of(mail):
            return IngestResult(
                IngestOutcome.DUPLICATE, "already stored", duplicate.conversation, duplicate
            )
        raise
    except ValidationError as error:
        return IngestResult(IngestOutcome.REJECTED, f"invalid data ({'; '.join(error.messages)})")
    except DataError as error:
        return IngestResult(IngestOutcome.REJECTED, f"cannot be stored ({error})")
    return IngestResult(IngestOutcome.STORED, "", conversation, message)


def _mail_store(mail: ParsedMail, *, dry_run: bool) -> tuple[Conversation, Message]:
    now = timezone.now()
    conversation = _thread(mail)
    if conversation is None:
        conversation = Conversation(
            reference=reference_allocate(),
            channel=Channel.EMAIL,
            subject=mail.subject[:255],
            contact_name=mail.from_name,
            contact_email=mail.reply_address,
            created_at=now,
            last_message_at=now,
        )
        validated_save(conversation)
    else:
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        # A citizen wrote again: whatever the state, the conversation needs attention.
        conversation.status = ConversationStatus.NEW
        conversation.last_message_at = now
        validated_save(conversation)
    message = Message(
        conversation=conversation,
        direction=Direction.IN,
        from_name=mail.from_name,
        from_address=mail.from_address,
        to=mail.to,
        subject=mail.subject[:255],
        text=mail.text,
        message_id=mail.message_id or None,
        in_reply_to=mail.in_reply_to,
        references=" ".join(mail.references),
        content_hash=mail.content_hash,
        sent_at=mail.date,
        created_at=now,
    )
    # Uniqueness is left to the database: its constraint also holds against a concurrent ingest.
    validated_save(message, validate_unique=False, validate_constraints=False)
    dropped = _attachments_store(message=message, mail=mail, dry_run=dry_run)
    if dropped:
        message.dropped_attachments = dropped
        message.save(update_fields=["dropped_attachments"])
    return conversation, message


# --- Staff: status, assignment, answers -------------------------------------------------


def conversation_status_check(*, conversation: Conversation, status: str) -> None:
    """Raise TransitionNotAllowed unless the conversation may move from its status to `status`."""
    transition_check(
        transitions=Conversation.TRANSITIONS,
        current=conversation.status,
        new=status,
        message=_("Ein Vorgang im Status „%(current)s“ kann nicht auf „%(new)s“ gesetzt werden.")
        % {
            "current": conversation.get_status_display(),
            "new": ConversationStatus(status).label,
        },
    )


def conversation_set_status(*, conversation: Conversation, status: str) -> Conversation:
    """Move a conversation to another status, if that step is allowed from where it is."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == status:
            return conversation
        conversation_status_check(conversation=conversation, status=status)
        conversation.status = status
        validated_save(conversation)
    return conversation


def conversation_edit(
    *,
    conversation: Conversation,
    status: str,
    topic: Topic | None,
    assignee: Any,
    notes: str,
) -> Conversation:
    """Save what staff changed on a conversation in the admin; a status change is checked."""
    with transaction.atomic():
        current = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if current.status != status:
            conversation_status_check(conversation=current, status=status)
        current.status = status
        current.topic = topic
        current.assignee = assignee
        current.notes = notes
        validated_save(current)
    return current


def conversation_assign(*, conversation: Conversation, assignee: Any) -> Conversation:
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        conversation.assignee = assignee
        validated_save(conversation)
    return conversation


def _strip_reply_prefixes(subject: str) -> str:
    return re.sub(r"^(\s*(re|aw|antw|fwd?|wg)\s*:\s*)+", "", subject, flags=re.I).strip()


def answer_subject(conversation: Conversation) -> str:
    """`AW: <subject> [VERL-2026-000123]`: the reference lets replies find their way back."""
    subject = _strip_reply_prefixes(conversation.subject) or _("Ihre Nachricht")
    subject = subject.replace(f"[{conversation.reference}]", "").strip()
    return f"AW: {subject} [{conversation.reference}]"


def conversation_answer(*, conversation: Conversation, author: Any, text: str) -> Message:
    """Store a staff answer in the conversation and e-mail it to the citizen.

    The mail carries a Message-ID of ours and In-Reply-To/References to the latest message
    with an ID, so mail clients thread it and the citizen's reply joins this conversation.
    """
    text = storable_text(text).strip()
    if not text:
        raise ValidationError(_("Bitte schreiben Sie eine Antwort."), code="empty")
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == ConversationStatus.CLOSED:
            raise TransitionNotAllowed(
                _("Der Vorgang ist geschlossen. Bitte öffnen Sie ihn erneut, bevor Sie antworten."),
                code="closed",
            )
        parent = (
            conversation.messages.exclude(message_id=None).order_by("-created_at", "-id").first()
        )
        references = []
        if parent is not None:
            references = [*parent.references.split(), parent.message_id][-20:]
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or None
        message_id = make_msgid(domain=domain)[1:-1]
        now = timezone.now()
        subject = answer_subject(conversation)
        message = Message(
            conversation=conversation,
            direction=Direction.OUT,
            from_name=parseaddr(settings.DEFAULT_FROM_EMAIL)[0],
            from_address=parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
            to=conversation.contact_email,
            subject=subject[:255],
            text=text,
            message_id=message_id,
            in_reply_to=parent.message_id if parent else "",
            references=" ".join(references),
            author=author,
            sent_at=now,
            created_at=now,
        )
        validated_save(message)
        conversation.status = ConversationStatus.ANSWERED
        conversation.last_message_at = now
        validated_save(conversation)
        headers = {"Message-ID": f"<{message_id}>"}
        if parent is not None:
            headers["In-Reply-To"] = f"<{parent.message_id}>"
            headers["References"] = " ".join(f"<{ref}>" for ref in references)
        email_queue(
            to=conversation.contact_email,
            template="answer",
            context={"subject": subject, "text": text, "reference": conversation.reference},
            headers=headers,
            reply_to=[settings.CDO_EMAIL],
            # Written by a person: an absence notice in reply is welcome here.
            automatic=False,
        )
    return message


# --- Seed: the topics a fresh site offers -------------------------------------------------

DEFAULT_TOPICS = {
    "Allgemein": "General",
    "Digitale Verwaltung": "Digital administration",
    "Smart City": "Smart City",
    "Barriere melden": "Report an accessibility barrier",
}


def inbox_seed(*, dry_run: bool = False) -> SeedReport:
    """Create the default topics; editors' changes and deletions are kept (see content_seed)."""
    items = [
        SeedItem(
            Topic,
            {"name": name},
            {"position": index * 10, "is_active": True, "name_en": english},
        )
        for index, (name, english) in enumerate(DEFAULT_TOPICS.items(), start=1)
    ]
    return content_seed(items=items, dry_run=dry_run)


# --- Ihr Feedback – unsere Maßnahmen ------------------------------------------------------


def measure_link_create(
    *,
    measure: Measure,
    linked_by: Any,
    comment: Comment | None = None,
    conversation: Conversation | None = None,
) -> MeasureLink:
    """Link one comment or one conversation to a measure; linking it again changes nothing.

    Only citizens' feedback is linked: no spam, and not the town's own official answers.
    """
    if (comment is None) == (conversation is None):
        raise ValidationError(
            _("Bitte ordnen Sie entweder einen Kommentar oder einen Vorgang zu."), code="item"
        )
    with transaction.atomic():
        if comment is not None:
            comment = _locked(comment)
            if comment.is_official or comment.status == CommentStatus.SPAM:
                raise ValidationError(
                    _("Spam und Antworten der Stadt werden keiner Maßnahme zugeordnet."),
                    code="not_feedback",
                )
            existing = MeasureLink.objects.filter(measure=measure, comment=comment).first()
        else:
            conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
            existing = MeasureLink.objects.filter(
                measure=measure, conversation=conversation
            ).first()
        if existing is not None:
            return existing
        link = MeasureLink(
            measure=measure, comment=comment, conversation=conversation, linked_by=linked_by
        )
        validated_save(link)
        _measure_links_changed(link)
    return link


@transaction.atomic
def measure_link_delete(*, link: MeasureLink) -> None:
    """Undo a link; an already deleted one is fine."""
    if MeasureLink.objects.filter(pk=link.pk).delete()[0]:
        _measure_links_changed(link)


def _measure_links_changed(link: MeasureLink) -> None:
    """The measure's page lists its linked public comments and counts all linked feedback."""
    if link.comment is not None:
        comments_public_changed(link.comment)
    versions_bump(CONTENT, COMMENTS)


@transaction.atomic
def measure_contributors_notify(*, measure: Measure, old_status: str, new_status: str) -> int:
    """Tell the citizens whose feedback is linked to a measure that its status changed.

    Each address gets one mail, however many of its comments and messages are linked. Only
    confirmed addresses that still want updates are mailed: comment authors who asked for
    notifications and contact-form senders who ticked "Über Fortschritte informieren".
    Nothing is sent for a measure the public cannot see. Returns the number of mails queued.
    """
    if old_status == new_status or not Measure.objects.published().filter(pk=measure.pk).exists():
        return 0
    from_comments = (
        Comment.objects.filter(measure_links__measure=measure, notify=True, is_official=False)
        .exclude(author_email="")
        .exclude(status=CommentStatus.SPAM)
        .values_list("author_email", flat=True)
    )
    from_conversations = Conversation.objects.filter(
        measure_links__measure=measure, notify_progress=True
    ).values_list("contact_email", flat=True)
    emails = {normalize_email(email) for email in chain(from_comments, from_conversations)}
    addresses = ConfirmedAddress.objects.filter(email__in=emails, notify=True).order_by("email")
    context = {
        "measure": measure,
        "measure_url": absolute_url(measure.get_absolute_url()),
        "old_status": MeasureStatus(old_status).label,
        "new_status": MeasureStatus(new_status).label,
    }
    sent = 0
    for address in addresses:
        _subscriber_notify(address=address, template="measure_status_changed", context=context)
        sent += 1
    return sent
