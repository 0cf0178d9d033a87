"""Appeals through their services: who may decide, once per decision, within 14 days, and
what overturning and upholding do to the comment, the log and the author's mail."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from feedback.appeals.services import appeal_decide, appeal_submit
from feedback.comments import services as comments
from feedback.models import Appeal, AppealStatus, Comment, CommentStatus
from strategy.base import TransitionNotAllowed
from tests.feedback.appeals.helpers import AUTHOR, decision_of, submitted
from tests.feedback.factories import ApprovedCommentFactory

pytestmark = pytest.mark.django_db


def code_of(error: pytest.ExceptionInfo) -> str:
    return error.value.code


def test_the_same_moderator_may_not_decide_the_appeal(rejected, moderator, second_moderator):
    appeal = appeal_submit(decision=rejected, text="Das war sachlich.")
    with pytest.raises(ValidationError, match="andere Moderatorin") as error:
        appeal_decide(appeal=appeal, reviewer=moderator, overturn=True, reason="Doch ok.")
    assert code_of(error) == "same_moderator"
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN
    assert Comment.objects.get(pk=rejected.comment_id).status == CommentStatus.REJECTED

    appeal_decide(appeal=appeal, reviewer=second_moderator, overturn=False, reason="Bleibt.")
    with pytest.raises(TransitionNotAllowed, match="bereits entschieden"):
        appeal_decide(appeal=appeal, reviewer=second_moderator, overturn=True, reason="Doch.")


def test_one_appeal_per_decision(rejected):
    appeal_submit(decision=rejected, text="Erster Versuch.")
    with pytest.raises(ValidationError, match="bereits Widerspruch eingelegt") as error:
        appeal_submit(decision=rejected, text="Zweiter Versuch.")
    assert code_of(error) == "duplicate"
    assert Appeal.objects.count() == 1


def test_an_appeal_is_possible_for_14_days_from_the_decision(rejected, page, moderator):
    late = rejected.created_at + timedelta(days=14, seconds=1)
    with (
        time_machine.travel(late, tick=False),
        pytest.raises(ValidationError, match="Frist für einen Widerspruch") as error,
    ):
        appeal_submit(decision=rejected, text="Zu spät.")
    assert code_of(error) == "expired"
    with time_machine.travel(rejected.created_at + timedelta(days=13, hours=23), tick=False):
        appeal = appeal_submit(decision=rejected, text="Gerade noch.")
    assert appeal.status == AppealStatus.OPEN


def test_the_text_is_required_and_at_most_2000_characters(rejected):
    with pytest.raises(ValidationError) as error:
        appeal_submit(decision=rejected, text="   ")
    assert "text" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        appeal_submit(decision=rejected, text="x" * 2001)
    assert "text" in error.value.message_dict
    assert appeal_submit(decision=rejected, text="x" * 2000).text == "x" * 2000


def test_a_decision_no_longer_in_force_cannot_be_appealed(rejected, moderator):
    comments.comment_approve(comment=rejected.comment, moderator=moderator)
    with pytest.raises(ValidationError, match="gilt nicht mehr") as error:
        appeal_submit(decision=rejected, text="Schon erledigt.")
    assert code_of(error) == "superseded"
    approve = decision_of(rejected.comment, "approve")
    with pytest.raises(ValidationError) as error:
        appeal_submit(decision=approve, text="Gegen eine Freigabe?")
    assert code_of(error) == "not_appealable"


def run_mail(django_capture_on_commit_callbacks, run_tasks, action):
    with django_capture_on_commit_callbacks(execute=True):
        result = action()
    run_tasks()
    return result


def test_overturning_a_rejection_publishes_the_comment_and_tells_the_author(
    rejected, second_moderator, django_capture_on_commit_callbacks, run_tasks
):
    appeal = appeal_submit(decision=rejected, text="Das war keine Werbung.")
    mail.outbox.clear()
    run_mail(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: appeal_decide(
            appeal=appeal, reviewer=second_moderator, overturn=True, reason="Sachlicher Beitrag."
        ),
    )
    comment = Comment.objects.get(pk=rejected.comment_id)
    assert comment.status == CommentStatus.APPROVED
    assert list(Comment.objects.public()) == [comment]
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reviewer, appeal.review_reason) == (
        AppealStatus.OVERTURNED,
        second_moderator,
        "Sachlicher Beitrag.",
    )
    assert appeal.decided_at is not None
    log = list(comment.actions.values_list("action", "actor"))
    assert log[:2] == [
        ("appeal_overturned", second_moderator.pk),
        ("approve", second_moderator.pk),
    ]
    # One mail, the appeal's outcome; not also "freigegeben".
    (told,) = mail.outbox
    assert told.to == [AUTHOR]
    assert told.subject == "Ihrem Widerspruch wurde stattgegeben"
    assert "Sachlicher Beitrag." in told.body
    assert f"/kommentare/{comment.pk}/" in told.body
    assert "Das war keine Werbung." not in told.body


def test_upholding_keeps_the_decision_and_tells_the_author(
    rejected, second_moderator, django_capture_on_commit_callbacks, run_tasks
):
    appeal = appeal_submit(decision=rejected, text="Bitte prüfen Sie das noch einmal.")
    mail.outbox.clear()
    run_mail(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: appeal_decide(
            appeal=appeal, reviewer=second_moderator, overturn=False, reason="Es bleibt Werbung."
        ),
    )
    comment = Comment.objects.get(pk=rejected.comment_id)
    assert comment.status == CommentStatus.REJECTED
    assert not Comment.objects.public().exists()
    assert comment.actions.first().action == "appeal_upheld"
    (told,) = mail.outbox
    assert told.subject == "Ihr Widerspruch wurde geprüft"
    assert "Die Entscheidung bleibt bestehen." in told.body
    assert "Es bleibt Werbung." in told.body


def test_no_mail_to_an_author_who_did_not_ask_for_one(
    page,
    moderator,
    second_moderator,
    decision_reason,
    author_address,
    django_capture_on_commit_callbacks,
    run_tasks,
):
    comment = submitted(page, notify=False)
    comments.comment_reject(comment=comment, moderator=moderator, reason=decision_reason)
    appeal = appeal_submit(decision=decision_of(comment, "reject"), text="Bitte nochmal.")
    run_mail(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: appeal_decide(
            appeal=appeal, reviewer=second_moderator, overturn=True, reason="Ok."
        ),
    )
    assert mail.outbox == []
    assert Comment.objects.public().count() == 1


def test_overturning_spam_publishes_and_overturning_a_hide_restores(
    page, moderator, second_moderator, decision_reason
):
    spam = submitted(page, text="Kein Spam, ehrlich.")
    comments.comment_mark_spam(comment=spam, moderator=moderator, reason=decision_reason)
    appeal = appeal_submit(decision=decision_of(spam, "spam"), text="Kein Spam.")
    appeal_decide(appeal=appeal, reviewer=second_moderator, overturn=True, reason="Stimmt.")
    spam.refresh_from_db()
    assert spam.is_public

    hidden = ApprovedCommentFactory(target=page)
    comments.comment_hide(comment=hidden, moderator=moderator, rejection_reason=decision_reason)
    appeal = appeal_submit(decision=decision_of(hidden, "hide"), text="Nicht beleidigend.")
    appeal_decide(appeal=appeal, reviewer=second_moderator, overturn=True, reason="Sachlich.")
    hidden.refresh_from_db()
    assert hidden.is_public
    assert decision_of(hidden, "restore").actor == second_moderator


def test_the_three_decisions_need_a_reason_from_the_list(page, moderator):
    comment = submitted(page)
    for step in (comments.comment_reject, comments.comment_mark_spam):
        with pytest.raises(ValidationError, match="Grund aus der Liste") as error:
            step(comment=comment, moderator=moderator)
        assert code_of(error) == "reason_required"
    approved = ApprovedCommentFactory(target=page)
    with pytest.raises(ValidationError, match="Grund aus der Liste"):
        comments.comment_hide(comment=approved, moderator=moderator, reason="nur Freitext")
    comment.refresh_from_db()
    approved.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert not approved.is_hidden
    assert not comment.actions.exclude(action="approve").exists()
