"""Every write on comments: submitting, moderation steps, official answers and reports.

Each service is atomic, locks the comment, checks the step (`comment_status_check`,
`comment_step_check`), saves through `validated_save`, writes the moderation log, marks the
public pages stale (`comments_public_changed`) and queues mail after commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.account_services import user_display_name
from feedback.alerts.digest import moderators_notify_schedule
from feedback.cases import services as cases
from feedback.cases.links import case_absolute_url
from feedback.comment_pages import comments_public_changed
from feedback.comments.selectors import author_is_trusted
from feedback.models import (
    Case,
    CaseOutcome,
    Comment,
    CommentReport,
    CommentStatus,
    ConfirmedAddress,
    ModerationAction,
    ModerationStep,
    RejectionReason,
    ReportReason,
)
from feedback.outbox import absolute_url
from feedback.subscriptions.services import (
    address_request_confirmation,
    normalize_email,
    subscriber_notify,
)
from feedback.text import clean_text
from strategy.base import TransitionNotAllowed, transition_check, validated_save
from strategy.models import Publishable

OFFICIAL_AUTHOR = "Stadt Verl"

# How long the same text from the same client is refused.
DUPLICATE_WINDOW = 24 * 60 * 60


def _locked(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().get(pk=comment.pk)


# The moderation steps that set a status, and the status each one sets.
STEP_STATUS = {
    ModerationStep.APPROVE: CommentStatus.APPROVED,
    ModerationStep.REJECT: CommentStatus.REJECTED,
    ModerationStep.SPAM: CommentStatus.SPAM,
}


def _has_open_reports(comment: Comment) -> bool:
    return CommentReport.objects.filter(comment=comment).open().exists()


# The steps that leave the status as it is, and what each needs of the comment. Hiding takes
# a public comment off the page, or confirms that readers' reports were right to hide it.
STEP_PRECONDITIONS: dict[str, Callable[[Comment], bool]] = {
    ModerationStep.EDIT: lambda comment: comment.is_editable,
    ModerationStep.HIDE: lambda comment: (
        comment.is_public
        or (
            comment.status == CommentStatus.APPROVED
            and comment.is_hidden
            and _has_open_reports(comment)
        )
    ),
    ModerationStep.RESTORE: lambda comment: (
        comment.status == CommentStatus.APPROVED and comment.is_hidden
    ),
    ModerationStep.ANSWER: lambda comment: (
        comment.status == CommentStatus.APPROVED
        and comment.parent_id is None
        and not comment.is_official
    ),
    ModerationStep.DISMISS: lambda comment: (
        comment.status == CommentStatus.APPROVED and _has_open_reports(comment)
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


def _step_done(
    *,
    comment: Comment,
    step: str,
    actor: Any,
    reason: str = "",
    rejection_reason: RejectionReason | None = None,
) -> None:
    """Log a moderation step (`actor` None: the site itself) and have the pages showing the
    comment rebuilt: every step changes what the public sees."""
    actor_name = _("automatisch") if actor is None else user_display_name(actor)
    validated_save(
        ModerationAction(
            comment=comment,
            action=step,
            actor=actor,
            actor_name=actor_name,
            reason=reason,
            rejection_reason=rejection_reason,
        )
    )
    comments_public_changed(comment)


def _reports_resolve(comment: Comment, *, at: Any) -> None:
    """A moderator's decision on a comment is the review its open reports asked for."""
    CommentReport.objects.filter(comment=comment).open().update(resolved_at=at)


def _hidden(comment: Comment, *, actor: Any, reason: str) -> Comment:
    """Take a public comment off the page until it has been reviewed."""
    comment.hidden_at = timezone.now()
    validated_save(comment)
    _step_done(comment=comment, step=ModerationStep.HIDE, actor=actor, reason=reason)
    return comment


def _remember_after_commit(keys: Sequence[str]) -> None:
    """Refuse the same again from this client for `DUPLICATE_WINDOW`, once the write has
    committed (a rolled-back one is no reason to refuse). One key is enough: checks look
    for today's and yesterday's."""
    if keys:
        first = keys[0]
        transaction.on_commit(lambda: cache.set(first, True, timeout=DUPLICATE_WINDOW))


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
    email = normalize_email(comment.author_email)
    return ConfirmedAddress.objects.subscribed().filter(email=email).first()


def _case_url(comment: Comment) -> str:
    """The link to the case page of a top-level comment, for mails to its author."""
    case = Case.objects.filter(comment=comment).only("pk").first()
    return case_absolute_url(case) if case is not None else ""


def _author_notify(*, comment: Comment, template: str, context: dict[str, Any]) -> bool:
    """Mail the author about their comment, only to a confirmed address that opted in."""
    address = _notifiable_address(comment)
    if address is None:
        return False
    subscriber_notify(
        address=address,
        template=template,
        context={
            "comment": comment,
            "comment_url": absolute_url(comment.get_absolute_url()),
            "case_url": _case_url(comment),
            **context,
        },
    )
    return True


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
    name = author_name.strip() or (user_display_name(user)[:100] if user is not None else "")
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
    trusted = author_is_trusted(user=user)
    if trusted:
        comment.status = CommentStatus.APPROVED
        comment.moderated_at = now
    validated_save(comment)
    cases.case_open_for_comment(comment=comment)
    if trusted:
        cases.case_comment_changed(comment=comment)
        _step_done(
            comment=comment,
            step=ModerationStep.APPROVE,
            actor=None,
            reason=_("Konto mit bisher nur freigegebenen Kommentaren"),
        )
    else:
        transaction.on_commit(moderators_notify_schedule)
    _remember_after_commit(duplicate_keys)
    if notify and not address_request_confirmation(email=email, user=user) and parent is None:
        # Already confirmed: a receipt with the link to the case page.
        _author_notify(comment=comment, template="comment_received", context={})
    return comment


def _moderation_step(
    *,
    comment: Comment,
    step: str,
    moderator: Any,
    reason: str,
    rejection_reason: RejectionReason | None = None,
) -> Comment:
    """What approving, rejecting and marking as spam share: lock, check, set the status,
    resolve the open reports, log, and have the public pages rebuilt."""
    comment = _locked(comment)
    status = STEP_STATUS[step]
    comment_status_check(comment=comment, status=status)
    comment.status = status
    comment.moderated_at = timezone.now()
    if status == CommentStatus.APPROVED:
        comment.hidden_at = None  # approving is the review that reports ask for
    validated_save(comment)
    case = cases.case_comment_changed(comment=comment)
    if case is not None and status != CommentStatus.APPROVED and not case.outcome:
        # An unpublished comment gets no answer: its case closes with that as its outcome.
        cases.case_outcome_record(case=case, outcome=CaseOutcome.SPAM)
    _reports_resolve(comment, at=comment.moderated_at)
    _step_done(
        comment=comment,
        step=step,
        actor=moderator,
        reason=reason,
        rejection_reason=rejection_reason,
    )
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
        comment=comment,
        step=ModerationStep.REJECT,
        moderator=moderator,
        reason=logged,
        rejection_reason=reason,
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
    _step_done(comment=comment, step=ModerationStep.EDIT, actor=moderator, reason=reason)
    return comment


@transaction.atomic
def comment_answer(
    *,
    comment: Comment,
    staff: Any,
    text: str,
    outcome: str = CaseOutcome.INFORMATION,
    outcome_details: dict[str, Any] | None = None,
) -> Comment:
    """The town's official answer, public at once, highlighted under the comment.

    Answering records the case's outcome (by default "Auskunft gegeben"; `outcome_details`
    as for `case_outcome_record`), and the answer's date reaches merged duplicates.
    """
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
    case = cases.case_comment_changed(comment=comment, answered=True)
    if case is not None:
        if case.outcome != outcome:
            case = cases.case_outcome_record(case=case, outcome=outcome, **(outcome_details or {}))
        cases.case_answer_duplicates(
            case=case, subject=_("Antwort der Stadt Verl auf Ihre Rückmeldung"), text=answer.text
        )
    _step_done(comment=comment, step=ModerationStep.ANSWER, actor=staff)
    _author_notify(comment=comment, template="comment_answered", context={"answer": answer})
    return answer


def _reports_summary(comment: Comment) -> str:
    """The reasons of a comment's open reports, for the log: "Werbung oder Spam (2)"."""
    reasons = (
        CommentReport.objects.filter(comment=comment)
        .open()
        .values_list("reason", flat=True)
        .order_by("reason")
    )
    counted: dict[str, int] = {}
    for reason in reasons:
        counted[reason] = counted.get(reason, 0) + 1
    return ", ".join(f"{ReportReason(reason).label} ({count})" for reason, count in counted.items())


def _with_reports(reason: str, summary: str) -> str:
    if not summary:
        return reason
    reported = _("Meldungen: %(reasons)s") % {"reasons": summary}
    return f"{reported}. {reason}" if reason else reported


@transaction.atomic
def comment_hide(*, comment: Comment, moderator: Any, reason: str = "") -> Comment:
    """Take an approved comment off the page, or keep off it one that readers' reports hid;
    either way the moderator's decision resolves the open reports."""
    comment = _locked(comment)
    comment_step_check(comment=comment, step=ModerationStep.HIDE)
    reason = _with_reports(reason, _reports_summary(comment))
    now = timezone.now()
    if not comment.is_hidden:
        comment.hidden_at = now
        validated_save(comment)
    _reports_resolve(comment, at=now)
    _step_done(comment=comment, step=ModerationStep.HIDE, actor=moderator, reason=reason)
    return comment


@transaction.atomic
def comment_reports_dismiss(*, comment: Comment, moderator: Any, reason: str = "") -> Comment:
    """The open reports on an approved comment were unfounded: they are resolved and the
    comment is public (again, if the reports had hidden it)."""
    comment = _locked(comment)
    comment_step_check(comment=comment, step=ModerationStep.DISMISS)
    reason = _with_reports(reason, _reports_summary(comment))
    now = timezone.now()
    if comment.is_hidden:
        comment.hidden_at = None
        validated_save(comment)
    _reports_resolve(comment, at=now)
    _step_done(comment=comment, step=ModerationStep.DISMISS, actor=moderator, reason=reason)
    return comment


@transaction.atomic
def comment_restore(*, comment: Comment, moderator: Any, reason: str = "") -> Comment:
    """Show a hidden comment again; its open reports count as reviewed."""
    comment = _locked(comment)
    comment_step_check(comment=comment, step=ModerationStep.RESTORE)
    comment.hidden_at = None
    validated_save(comment)
    _reports_resolve(comment, at=timezone.now())
    _step_done(comment=comment, step=ModerationStep.RESTORE, actor=moderator, reason=reason)
    return comment


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
        _hidden(comment, actor=None, reason=_("%(count)d Meldungen") % {"count": open_reports})
    _remember_after_commit(seen_keys)
    transaction.on_commit(moderators_notify_schedule)
    return report
