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
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.account_services import user_display_name
from feedback.alerts.digest import moderators_notify_schedule
from feedback.cases import services as cases
from feedback.cases.links import appeal_absolute_url
from feedback.comment_pages import comments_public_changed
from feedback.comments.author_mail import comment_author_notify as _author_notify
from feedback.comments.selectors import author_is_trusted
from feedback.models import (
    APPEAL_DAYS,
    CaseOutcome,
    Comment,
    CommentReport,
    CommentStatus,
    ModerationAction,
    ModerationStep,
    RejectionReason,
    ReportReason,
)
from feedback.subscriptions.services import (
    address_request_confirmation,
    normalize_email,
)
from feedback.text import clean_text
from strategy.base import TransitionNotAllowed, transition_check, validated_save
from strategy.models import Publishable
from strategy.town import town_profile


def official_author() -> str:
    """The name an official answer is signed with: the town's."""
    return town_profile().name


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
    decision_reason: RejectionReason | None = None,
) -> ModerationAction:
    """Log a moderation step (`actor` None: the site itself) and have the pages showing the
    comment rebuilt: every step changes what the public sees."""
    actor_name = _("automatisch") if actor is None else user_display_name(actor)
    action = ModerationAction(
        comment=comment,
        action=step,
        actor=actor,
        actor_name=actor_name,
        reason=reason,
        decision_reason=decision_reason,
    )
    validated_save(action)
    comments_public_changed(comment)
    return action


def decision_reason_check(*, reason: RejectionReason | None) -> None:
    """Rejecting, marking as spam and hiding name a reason from the list (the author sees it
    and may object to it): raise ValidationError without one."""
    if reason is None:
        raise ValidationError(
            _("Bitte wählen Sie einen Grund aus der Liste der Ablehnungsgründe."),
            code="reason_required",
        )


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
    if not isinstance(target, Publishable) or not target.is_published or not target.takes_comments:
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


def _removed(comment: Comment, *, at: Any, public_reason: str) -> None:
    """A once public comment goes off the page: its place shows the date and public reason."""
    comment.removed_at = comment.removed_at or at
    comment.removal_reason = public_reason[:100]


def _moderation_step(
    *,
    comment: Comment,
    step: str,
    moderator: Any,
    reason: str,
    decision_reason: RejectionReason | None = None,
    public_reason: str = "",
) -> tuple[Comment, ModerationAction]:
    """What approving, rejecting and marking as spam share: lock, check, set the status,
    resolve the open reports, log, and have the public pages rebuilt. Rejecting a comment
    that was published (or already removed) leaves a trace with `public_reason`."""
    comment = _locked(comment)
    status = STEP_STATUS[step]
    comment_status_check(comment=comment, status=status)
    if step != ModerationStep.APPROVE:
        decision_reason_check(reason=decision_reason)
    was_listed = comment.status == CommentStatus.APPROVED or comment.removed_at is not None
    comment.status = status
    comment.moderated_at = timezone.now()
    if status == CommentStatus.APPROVED:
        comment.hidden_at = None  # approving is the review that reports ask for
        comment.removed_at, comment.removal_reason = None, ""
    elif was_listed:
        _removed(comment, at=comment.moderated_at, public_reason=public_reason)
    validated_save(comment)
    case = cases.case_comment_changed(comment=comment)
    if case is not None and status != CommentStatus.APPROVED and not case.outcome:
        # An unpublished comment gets no answer: its case closes with that as its outcome.
        cases.case_outcome_record(case=case, outcome=CaseOutcome.SPAM)
    _reports_resolve(comment, at=comment.moderated_at)
    action = _step_done(
        comment=comment,
        step=step,
        actor=moderator,
        reason=reason,
        decision_reason=decision_reason,
    )
    return comment, action


@transaction.atomic
def comment_approve(
    *, comment: Comment, moderator: Any, reason: str = "", notify_author: bool = True
) -> Comment:
    """Publish; `notify_author=False` when the caller tells the author itself (an appeal)."""
    comment, _action = _moderation_step(
        comment=comment, step=ModerationStep.APPROVE, moderator=moderator, reason=reason
    )
    if notify_author:
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
    """Reject for a reason from the list (required); its text is mailed to an author who
    asked for updates, with the link to object to the decision (`feedback.appeals`). A
    comment that was published leaves a trace naming the reason's title."""
    comment, action = _moderation_step(
        comment=comment,
        step=ModerationStep.REJECT,
        moderator=moderator,
        reason=note,
        decision_reason=reason,
        public_reason=reason.title if reason else "",
    )
    _author_notify(
        comment=comment,
        template="comment_rejected",
        context={
            "reason_text": reason.text if reason else "",
            "appeal_url": appeal_absolute_url(action),
            "appeal_days": APPEAL_DAYS,
        },
    )
    return comment


@transaction.atomic
def comment_mark_spam(
    *, comment: Comment, moderator: Any, reason: RejectionReason | None = None, note: str = ""
) -> Comment:
    """Spam (for a reason from the list, required) is never shown and its author gets no
    mail; the case page shows the reason and the way to object."""
    comment, _action = _moderation_step(
        comment=comment,
        step=ModerationStep.SPAM,
        moderator=moderator,
        reason=note,
        decision_reason=reason,
        public_reason=CommentStatus.SPAM.label,
    )
    return comment


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
        author_name=official_author(),
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
            case=case,
            subject=_("Antwort der %(town)s auf Ihre Rückmeldung") % {"town": official_author()},
            text=answer.text,
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
def comment_hide(
    *,
    comment: Comment,
    moderator: Any,
    reason: str = "",
    rejection_reason: RejectionReason | None = None,
) -> Comment:
    """Take an approved comment off the page, or keep off it one that readers' reports hid;
    either way the moderator's decision resolves the open reports. `rejection_reason` (from
    the list, required) is what the author is shown and what the trace in the comment's
    place names; `reason` is the free text for the log."""
    comment = _locked(comment)
    comment_step_check(comment=comment, step=ModerationStep.HIDE)
    decision_reason_check(reason=rejection_reason)
    reason = _with_reports(reason, _reports_summary(comment))
    now = timezone.now()
    comment.hidden_at = comment.hidden_at or now
    _removed(comment, at=now, public_reason=rejection_reason.title if rejection_reason else "")
    validated_save(comment)
    _reports_resolve(comment, at=now)
    _step_done(
        comment=comment,
        step=ModerationStep.HIDE,
        actor=moderator,
        reason=reason,
        decision_reason=rejection_reason,
    )
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
        comment.removed_at, comment.removal_reason = None, ""
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
    comment.removed_at, comment.removal_reason = None, ""
    validated_save(comment)
    _reports_resolve(comment, at=timezone.now())
    _step_done(comment=comment, step=ModerationStep.RESTORE, actor=moderator, reason=reason)
    return comment


def _already_reported() -> ValidationError:
    return ValidationError(
        _("Sie haben diesen Beitrag bereits gemeldet. Die Moderation prüft ihn."),
        code="duplicate",
    )


@transaction.atomic
def comment_report(
    *,
    comment: Comment,
    reason: str,
    note: str = "",
    reporter: Any = None,
    client_keys: Sequence[str] = (),
) -> CommentReport:
    """A reader reports a public comment: it appears in the moderation queue (open reports),
    and stays public until a moderator decides.

    Only signed-in accounts (`reporter`) count towards hiding it before that: with
    `COMMENT_REPORT_THRESHOLD` open reports from different accounts it is hidden until
    reviewed. An account reports a comment once (a unique constraint, lasting); a guest's
    client is refused for 24 hours by its fingerprints (`client_keys`), but guests' reports
    never hide anything, so waiting a day or a cleared cache gains nothing.
    """
    comment = _locked(comment)
    if not comment.is_public:
        raise ValidationError(_("Dieser Beitrag kann nicht gemeldet werden."), code="not_public")
    if reporter is not None and not reporter.is_authenticated:
        reporter = None
    # An account is known by itself (others may share its connection); a guest by its client.
    seen_keys = (
        [f"comment-report:{client}:{comment.pk}" for client in client_keys]
        if reporter is None
        else []
    )
    if (seen_keys and cache.get_many(seen_keys)) or (
        reporter is not None
        and CommentReport.objects.filter(comment=comment, reporter=reporter).exists()
    ):
        raise _already_reported()
    report = CommentReport(comment=comment, reporter=reporter, reason=reason, note=note.strip())
    try:
        with transaction.atomic():  # a savepoint: the constraint's last word stays a message
            validated_save(report)
    except IntegrityError:
        raise _already_reported() from None
    reporters = CommentReport.objects.filter(comment=comment, reporter__isnull=False).open().count()
    if reporters >= settings.COMMENT_REPORT_THRESHOLD:
        _hidden(comment, actor=None, reason=_("%(count)d Meldungen") % {"count": reporters})
    _remember_after_commit(seen_keys)
    transaction.on_commit(moderators_notify_schedule)
    return report
