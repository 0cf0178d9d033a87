"""Every write on appeals: the author objects, a second moderator decides.

`appeal_submit` takes one objection per decision, within `APPEAL_DAYS` of it, while the
decision is still in force (`feedback.cases.selectors.decision_in_force`); the decision's
row is locked, so two submissions at once cannot both pass. `appeal_decide` is the second
review: by anybody but the moderator who decided (`appeal_reviewer_check`), along
`Appeal.TRANSITIONS` (`appeal_status_check`). Overturning undoes the decision through the
comment services (approve a rejected or spam comment, restore a hidden one); either outcome
is logged as a `ModerationAction` and mailed to an author who asked for updates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from feedback.account_services import user_display_name
from feedback.cases.selectors import decision_in_force
from feedback.comments import services as comments
from feedback.comments.author_mail import comment_author_notify
from feedback.models import (
    APPEAL_PERIOD,
    APPEALABLE_STEPS,
    Appeal,
    AppealStatus,
    ModerationAction,
    ModerationStep,
)
from feedback.text import clean_text
from strategy.base import transition_check, validated_save


def appeal_deadline(decision: ModerationAction) -> datetime:
    """Until when the author may object to `decision`."""
    return decision.created_at + APPEAL_PERIOD


def appeal_is_late(decision: ModerationAction, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) > appeal_deadline(decision)


def _deadline_display(decision: ModerationAction) -> str:
    return formats.date_format(timezone.localtime(appeal_deadline(decision)), "DATE_FORMAT")


@transaction.atomic
def appeal_submit(*, decision: ModerationAction, text: str) -> Appeal:
    """The author objects to `decision`: once, within the period, while it is in force."""
    decision = (
        ModerationAction.objects.select_for_update(of=("self",))
        .select_related("comment")
        .get(pk=decision.pk)
    )
    if decision.action not in APPEALABLE_STEPS:
        raise ValidationError(
            _("Gegen diesen Schritt ist kein Widerspruch möglich."), code="not_appealable"
        )
    if Appeal.objects.filter(decision=decision).exists():
        raise ValidationError(
            _(
                "Gegen diese Entscheidung haben Sie bereits Widerspruch eingelegt. Je "
                "Entscheidung ist ein Widerspruch möglich."
            ),
            code="duplicate",
        )
    if appeal_is_late(decision):
        raise ValidationError(
            _("Die Frist für einen Widerspruch ist am %(date)s abgelaufen.")
            % {"date": _deadline_display(decision)},
            code="expired",
        )
    in_force = decision_in_force(decision.comment)
    if in_force is None or in_force.pk != decision.pk:
        raise ValidationError(
            _("Diese Entscheidung gilt nicht mehr; ein Widerspruch ist nicht nötig."),
            code="superseded",
        )
    text = clean_text(text).strip()
    if not text:
        raise ValidationError(
            {"text": _("Bitte begründen Sie Ihren Widerspruch.")}, code="required"
        )
    appeal = Appeal(decision=decision, text=text)
    validated_save(appeal)
    return appeal


def appeal_status_check(*, appeal: Appeal, status: str) -> None:
    """Raise TransitionNotAllowed unless the appeal may move to `status`."""
    transition_check(
        transitions=Appeal.TRANSITIONS,
        current=appeal.status,
        new=status,
        message=_("Über diesen Widerspruch ist bereits entschieden („%(status)s“).")
        % {"status": appeal.get_status_display()},
    )


def appeal_reviewer_check(*, appeal: Appeal, reviewer: Any) -> None:
    """The second review is somebody else's: refuse the moderator who decided."""
    if appeal.decision.actor_id is not None and appeal.decision.actor_id == reviewer.pk:
        raise ValidationError(
            _(
                "Sie haben die angefochtene Entscheidung selbst getroffen. Über den "
                "Widerspruch entscheidet eine andere Moderatorin oder ein anderer Moderator."
            ),
            code="same_moderator",
        )


def _decision_undo(*, decision: ModerationAction, reviewer: Any, reason: str) -> None:
    """Overturned: a rejected or spam comment is published, a hidden one shown again."""
    comment = decision.comment
    if decision.action == ModerationStep.HIDE:
        comments.comment_restore(comment=comment, moderator=reviewer, reason=reason)
    else:
        comments.comment_approve(
            comment=comment, moderator=reviewer, reason=reason, notify_author=False
        )


@transaction.atomic
def appeal_decide(*, appeal: Appeal, reviewer: Any, overturn: bool, reason: str) -> Appeal:
    """Decide an open appeal: `overturn` undoes the decision, otherwise it stays."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("decision__comment")
        .get(pk=appeal.pk)
    )
    status = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
    appeal_status_check(appeal=appeal, status=status)
    appeal_reviewer_check(appeal=appeal, reviewer=reviewer)
    reason = clean_text(reason).strip()
    if not reason:
        raise ValidationError(
            {"review_reason": _("Bitte begründen Sie die Entscheidung über den Widerspruch.")},
            code="required",
        )
    decision = appeal.decision
    if overturn:
        _decision_undo(decision=decision, reviewer=reviewer, reason=reason)
    appeal.status = status
    appeal.reviewer = reviewer
    appeal.reviewer_name = user_display_name(reviewer)
    appeal.review_reason = reason
    appeal.decided_at = timezone.now()
    validated_save(appeal)
    validated_save(
        ModerationAction(
            comment=decision.comment,
            action=ModerationStep.APPEAL_OVERTURN if overturn else ModerationStep.APPEAL_UPHOLD,
            actor=reviewer,
            actor_name=appeal.reviewer_name,
            reason=reason,
        )
    )
    comment = decision.comment
    comment.refresh_from_db()
    comment_author_notify(
        comment=comment,
        template="appeal_decided",
        context={"overturned": overturn, "decision": decision, "review_reason": reason},
    )
    return appeal
