"""Writes on cases: opening, keeping the status and deadline in step, outcomes, merging
duplicates, the citizen's rating and the tombstones the retention purge leaves.

The inbox and comment services call these inside their own transactions, so a case never
disagrees with its conversation or comment (`feedback.models.cases` says why the status is
derived and stored). The deadline: `due_date` = the topic's answer target counted from
`clock_started_on` (working days via `feedback.cases.workdays`, or calendar months), plus
the working days the clock was paused. It pauses when staff answer with a question to the
citizen ("Rückfrage an Sie", `asks_citizen`) and runs again when the citizen writes back;
the paused working days are added then. A citizen writing again after an answer starts a
new clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.cases.links import case_absolute_url
from feedback.cases.references import reference_allocate
from feedback.cases.workdays import add_months, add_working_days, working_days_between
from feedback.models import (
    AnswerTargetUnit,
    Case,
    CaseChannel,
    CaseOutcome,
    CaseStatus,
    Comment,
    CommentStatus,
    Conversation,
    ConversationStatus,
    Topic,
)
from feedback.outbox import email_queue
from feedback.subscriptions.services import comment_author_address, subscriber_notify
from strategy.base import transition_check, validated_save
from strategy.models import Measure
from strategy.town import town_profile

# Working days for a topic without a target of its own (and for conversations without topic).
DEFAULT_ANSWER_TARGET_DAYS = 10

CONVERSATION_STATUS = {
    ConversationStatus.NEW: CaseStatus.RECEIVED,
    ConversationStatus.IN_PROGRESS: CaseStatus.IN_PROGRESS,
    ConversationStatus.ANSWERED: CaseStatus.ANSWERED,
    ConversationStatus.CLOSED: CaseStatus.CLOSED,
}


def case_due_date(*, case: Case, topic: Topic | None) -> date:
    """When an answer is due: the target counted from the clock's start, plus paused days."""
    start = case.clock_started_on
    if case.channel == CaseChannel.COMMENT:
        due = add_working_days(start, settings.COMMENT_MODERATION_TARGET_DAYS)
    elif topic is not None and topic.answer_target_unit == AnswerTargetUnit.MONTHS:
        due = add_months(start, topic.answer_target)
    else:
        due = add_working_days(
            start, topic.answer_target if topic is not None else DEFAULT_ANSWER_TARGET_DAYS
        )
    return add_working_days(due, case.paused_days) if case.paused_days else due


def case_status_of(
    *, case: Case, conversation: Conversation | None = None, comment: Comment | None = None
) -> str:
    """The one function that says a case's status, from its conversation or comment."""
    if case.outcome == CaseOutcome.DUPLICATE:
        return CaseStatus.CLOSED
    if conversation is not None:
        if case.paused_on is not None and conversation.status == ConversationStatus.ANSWERED:
            return CaseStatus.WAITING
        return CONVERSATION_STATUS[conversation.status]
    if comment is not None:
        if comment.status == CommentStatus.PENDING:
            return CaseStatus.RECEIVED
        if comment.status != CommentStatus.APPROVED:
            return CaseStatus.CLOSED
        if case.answered_at is not None:
            return CaseStatus.ANSWERED
        return CaseStatus.CLOSED if case.outcome else CaseStatus.IN_PROGRESS
    return case.status


def _new_case(*, channel: str, received_at: Any, reference: str) -> Case:
    today = timezone.localtime(received_at).date()
    return Case(
        reference=reference,
        channel=channel,
        received_at=received_at,
        clock_started_on=today,
        due_date=today,
    )


def case_open_for_conversation(*, conversation: Conversation) -> Case:
    """A new conversation's case, with the conversation's reference; in its transaction."""
    case = _new_case(
        channel=conversation.channel,
        received_at=conversation.created_at,
        reference=conversation.reference,
    )
    case.conversation = conversation
    case.due_date = case_due_date(case=case, topic=conversation.topic)
    case.status = case_status_of(case=case, conversation=conversation)
    validated_save(case)
    return case


def case_open_for_comment(*, comment: Comment) -> Case | None:
    """A top-level comment's case, with a reference of its own; replies open none."""
    if comment.parent_id is not None or comment.is_official:
        return None
    case = _new_case(
        channel=CaseChannel.COMMENT, received_at=comment.created_at, reference=reference_allocate()
    )
    case.comment = comment
    case.due_date = case_due_date(case=case, topic=None)
    case.status = case_status_of(case=case, comment=comment)
    validated_save(case)
    return case


def _locked_case(**lookup: Any) -> Case | None:
    return Case.objects.select_for_update().filter(**lookup).first()


def case_conversation_changed(
    *,
    conversation: Conversation,
    answered: bool = False,
    asks_citizen: bool = False,
    citizen_wrote: bool = False,
) -> Case | None:
    """Bring a conversation's case in step after the conversation was saved.

    `answered`: staff mailed an answer (with `asks_citizen`, a question: the clock pauses).
    `citizen_wrote`: a new mail from the citizen (resumes a paused clock, or after an answer
    starts a new one). A topic change moves the due date with the topic's target.
    """
    case = _locked_case(conversation=conversation)
    if case is None:
        return None
    today = timezone.localdate()
    if answered:
        case.answered_at = timezone.now()
        if asks_citizen:
            case.paused_on = case.paused_on or today
        else:
            case.paused_on = None
    elif case.paused_on is not None and conversation.status != ConversationStatus.ANSWERED:
        if conversation.status != ConversationStatus.CLOSED:
            case.paused_days += working_days_between(case.paused_on, today)
        case.paused_on = None
    elif citizen_wrote and case.status in {CaseStatus.ANSWERED, CaseStatus.CLOSED}:
        case.clock_started_on = today
        case.paused_days = 0
    case.due_date = case_due_date(case=case, topic=conversation.topic)
    case.status = case_status_of(case=case, conversation=conversation)
    validated_save(case)
    return case


def case_comment_changed(*, comment: Comment, answered: bool = False) -> Case | None:
    """Bring a comment's case in step after a moderation step or the town's answer."""
    case = _locked_case(comment=comment)
    if case is None:
        return None
    if answered:
        case.answered_at = timezone.now()
    if comment.status == CommentStatus.APPROVED and case.outcome == CaseOutcome.SPAM:
        # Published after all (an appeal granted, a decision corrected): the outcome that an
        # unpublished comment gets no longer holds.
        transition_check(
            transitions=Case.OUTCOME_TRANSITIONS,
            current=case.outcome,
            new="",
            message=_("Das Ergebnis dieses Falls kann nicht zurückgenommen werden."),
        )
        case.outcome, case.outcome_at = "", None
    case.status = case_status_of(case=case, comment=comment)
    validated_save(case)
    return case


def case_outcome_check(*, case: Case, outcome: str) -> None:
    """Raise TransitionNotAllowed unless `outcome` may follow the case's current outcome."""
    current = case.get_outcome_display() if case.outcome else _("kein Ergebnis")
    transition_check(
        transitions=Case.OUTCOME_TRANSITIONS,
        current=case.outcome,
        new=outcome,
        message=_(
            "Für diesen Fall mit dem Ergebnis „%(current)s“ kann „%(new)s“ nicht festgehalten werden."
        )
        % {"current": current, "new": CaseOutcome(outcome).label},
    )


def case_outcome_validate(
    *,
    case: Case,
    outcome: str,
    reason: str = "",
    measure: Measure | None = None,
    organisation: str = "",
) -> None:
    """Raise ValidationError (German, per field) unless `outcome` with these details may be
    recorded on `case` now; the admin's forms call it before saving, the services again."""
    if outcome not in CaseOutcome.values:
        raise ValidationError({"outcome": _("Bitte wählen Sie ein Ergebnis.")}, code="required")
    if case.is_purged:
        raise ValidationError(_("Die Daten dieses Falls sind gelöscht."), code="purged")
    if outcome != case.outcome or outcome == CaseOutcome.DUPLICATE:
        case_outcome_check(case=case, outcome=outcome)
    errors = {}
    if outcome == CaseOutcome.ADOPTED and measure is None:
        errors["outcome_measure"] = _("Bitte wählen Sie die Maßnahme, in die der Fall einfließt.")
    if outcome == CaseOutcome.NOT_ADOPTED and not reason.strip():
        errors["outcome_reason"] = _(
            "Bitte nennen Sie den Grund; die Bürgerin oder der Bürger sieht ihn."
        )
    if outcome == CaseOutcome.FORWARDED and not organisation.strip():
        errors["outcome_organisation"] = _(
            "Bitte nennen Sie, an wen der Fall weitergeleitet wurde."
        )
    if outcome == CaseOutcome.DUPLICATE:
        errors["outcome"] = _(
            "Dubletten werden mit der Aktion „Als Dublette zusammenführen“ festgehalten."
        )
    if errors:
        raise ValidationError(errors)


def _resync(case: Case) -> None:
    if case.conversation_id is not None:
        case.status = case_status_of(case=case, conversation=case.conversation)
    elif case.comment_id is not None:
        case.status = case_status_of(case=case, comment=case.comment)


@transaction.atomic
def case_outcome_record(
    *,
    case: Case,
    outcome: str,
    reason: str = "",
    measure: Measure | None = None,
    organisation: str = "",
) -> Case:
    """Record the one outcome of a case (or correct it), checked against its transitions."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    case_outcome_validate(
        case=case, outcome=outcome, reason=reason, measure=measure, organisation=organisation
    )
    case.outcome = outcome
    case.outcome_reason = reason.strip() if outcome == CaseOutcome.NOT_ADOPTED else ""
    case.outcome_measure = measure if outcome == CaseOutcome.ADOPTED else None
    case.outcome_organisation = organisation.strip() if outcome == CaseOutcome.FORWARDED else ""
    case.outcome_at = timezone.now()
    _resync(case)
    validated_save(case)
    return case


def _root(case: Case) -> Case:
    """The case a chain of merges ends in (read fresh: the caller's copy may be stale)."""
    case = Case.objects.get(pk=case.pk)
    seen = {case.pk}
    while case.duplicate_of_id is not None and case.duplicate_of_id not in seen:
        seen.add(case.duplicate_of_id)
        case = Case.objects.get(pk=case.duplicate_of_id)
    return case


@transaction.atomic
def case_merge(*, duplicate: Case, into: Case) -> Case:
    """Record `duplicate` as a duplicate of `into`: both citizens keep their pages, which
    then show the same case, and an answer to it reaches each of them by their own mail.

    The duplicate's conversation leaves the inbox (closed) when its status allows.
    """
    into = _root(into)
    duplicate, into = (
        Case.objects.select_for_update().get(pk=duplicate.pk),
        Case.objects.select_for_update().get(pk=into.pk),
    )
    if duplicate.pk == into.pk:
        raise ValidationError(
            _("Ein Fall kann nicht mit sich selbst zusammengeführt werden."), code="self"
        )
    if duplicate.is_purged or into.is_purged:
        raise ValidationError(_("Die Daten dieses Falls sind gelöscht."), code="purged")
    case_outcome_check(case=duplicate, outcome=CaseOutcome.DUPLICATE)
    duplicate.outcome = CaseOutcome.DUPLICATE
    duplicate.duplicate_of = into
    duplicate.outcome_reason = ""
    duplicate.outcome_measure = None
    duplicate.outcome_organisation = ""
    duplicate.outcome_at = timezone.now()
    duplicate.paused_on = None
    # Cases that already point here follow to the new root.
    Case.objects.filter(duplicate_of=duplicate).update(duplicate_of=into)
    conversation = duplicate.conversation
    if conversation is not None and ConversationStatus.CLOSED in Conversation.TRANSITIONS.get(
        conversation.status, ()
    ):
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        conversation.status = ConversationStatus.CLOSED
        validated_save(conversation)
    duplicate.status = CaseStatus.CLOSED
    validated_save(duplicate)
    return duplicate


def case_answer_duplicates(*, case: Case, subject: str, text: str) -> int:
    """Mail an answer given on `case` to the citizen of each merged duplicate, each with
    their own reference and case link; returns how many were mailed.

    Senders of contact-form messages and e-mails get it at their address. Authors of
    duplicate comments get it only where they asked for updates on their comment and their
    address is confirmed and subscribed, like every other mail about a comment.
    """
    now = timezone.now()
    count = 0
    duplicates = Case.objects.select_for_update(of=("self",)).filter(
        duplicate_of=case, purged_at__isnull=True
    )
    for duplicate in duplicates.select_related("conversation", "comment"):
        duplicate.answered_at = now
        validated_save(duplicate)
        context = {
            "subject": subject,
            "text": text,
            "reference": duplicate.reference,
            "merged_into": case.reference,
            "case_url": case_absolute_url(duplicate),
        }
        if duplicate.conversation is not None:
            email_queue(
                to=duplicate.conversation.contact_email,
                template="answer",
                context=context,
                reply_to=[town_profile().cdo_email],
                automatic=False,
            )
            count += 1
        elif duplicate.comment is not None:
            address = comment_author_address(duplicate.comment)
            if address is not None:
                subscriber_notify(address=address, template="duplicate_answered", context=context)
                count += 1
    return count


def case_can_be_rated(case: Case) -> bool:
    """A citizen rates once an answer was given (on the case or the case it was merged into)."""
    shown = case.duplicate_of if case.duplicate_of_id is not None else case
    return not case.is_purged and (shown.answered_at is not None or case.answered_at is not None)


@transaction.atomic
def case_rate(*, case: Case, helpful: bool) -> Case:
    """The citizen's "War diese Antwort hilfreich?": once per case, only after an answer."""
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("duplicate_of").get(pk=case.pk)
    )
    if case.rated_at is not None:
        raise ValidationError(
            _("Sie haben diese Antwort bereits bewertet. Eine zweite Bewertung ist nicht möglich."),
            code="rated",
        )
    if not case_can_be_rated(case):
        raise ValidationError(
            _("Eine Bewertung ist erst möglich, wenn wir Ihnen geantwortet haben."),
            code="not_answered",
        )
    case.helpful = helpful
    case.rated_at = timezone.now()
    validated_save(case)
    return case


def cases_tombstone(
    *, conversation_ids: Sequence[int] = (), comment_ids: Sequence[int] = ()
) -> int:
    """Before conversations or comments are deleted: keep their cases as tombstones, so the
    case link answers 410. Staff-written free text goes too; nothing else is personal."""
    return (
        Case.objects.filter(Q(conversation__in=conversation_ids) | Q(comment__in=comment_ids))
        .filter(purged_at__isnull=True)
        .update(purged_at=timezone.now(), outcome_reason="", outcome_organisation="")
    )
