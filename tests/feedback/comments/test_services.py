from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback.comments import services
from feedback.models import Comment, CommentReport, CommentStatus, ReportReason
from feedback.subscriptions import services as subscriptions
from strategy.base import TransitionNotAllowed
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    ConfirmedAddressFactory,
    RejectionReasonFactory,
    UserFactory,
)
from tests.strategy.factories import PageFactory

pytestmark = pytest.mark.django_db


def submit(target, **kwargs) -> Comment:
    values = {"author_name": "Anna", "text": "Mehr digitale Angebote, bitte!"} | kwargs
    return services.comment_submit(target=target, **values)


def test_a_submitted_comment_waits_for_moderation(page):
    comment = submit(page, client_keys=["client-a"])
    assert comment.status == CommentStatus.PENDING
    assert comment.consent_version == settings.PRIVACY_POLICY_VERSION
    assert comment.consented_at is not None
    assert not Comment.objects.public().exists()


def test_comments_only_on_published_content():
    draft = PageFactory(status="draft")
    with pytest.raises(ValidationError):
        submit(draft)
    later = PageFactory(publish_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError):
        submit(later)
    assert not Comment.objects.exists()


def test_the_same_text_from_the_same_client_is_refused_for_a_day(
    page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(page, text="Gleicher  Text", client_keys=["today", "yesterday"])
    with pytest.raises(ValidationError) as refused:
        submit(page, text="gleicher text", client_keys=["today", "yesterday"])
    assert "text" in refused.value.message_dict
    # After midnight the client's fingerprint changes; yesterday's still counts.
    with pytest.raises(ValidationError):
        submit(page, text="Gleicher Text", client_keys=["tomorrow", "today"])
    submit(page, text="Gleicher Text", client_keys=["other-client"])
    assert Comment.objects.count() == 2


def test_length_and_link_limits_are_checked_by_the_service(page):
    with pytest.raises(ValidationError) as too_long:
        submit(page, text="x" * 5001)
    assert "text" in too_long.value.message_dict
    links = " ".join(f"https://spam{n}.example.com" for n in range(4))
    with pytest.raises(ValidationError) as too_many:
        submit(page, text=links)
    assert too_many.value.message_dict["text"] == ["Bitte fügen Sie höchstens 3 Links ein."]
    submit(page, text=" ".join(f"https://ok{n}.example.com" for n in range(3)))


def test_signed_in_authors_name_defaults_to_their_account(page):
    user = UserFactory(username="hans")
    comment = submit(page, author_name="", user=user)
    assert comment.author_name == "hans"
    assert comment.user == user


def test_replies_are_one_level_deep_and_only_to_public_comments(page):
    parent = ApprovedCommentFactory(target=page)
    reply = submit(page, parent=parent)
    assert reply.parent == parent
    reply.status = CommentStatus.APPROVED
    reply.save()
    with pytest.raises(ValidationError):
        submit(page, parent=reply)  # no second level
    with pytest.raises(ValidationError):
        submit(page, parent=CommentFactory(target=page))  # still pending
    with pytest.raises(ValidationError):
        submit(PageFactory(), parent=parent)  # another page


def test_trusted_authors_are_published_at_once_only_when_enabled(page, settings):
    user = UserFactory()
    ApprovedCommentFactory(target=page, user=user)
    assert submit(page, user=user, text="Erster").status == CommentStatus.PENDING
    settings.COMMENTS_TRUST_APPROVED_AUTHORS = True
    trusted = submit(page, user=user, text="Zweiter")
    assert trusted.status == CommentStatus.APPROVED
    assert trusted.actions.get().actor is None
    CommentFactory(target=page, user=user, status=CommentStatus.SPAM)
    assert submit(page, user=user, text="Dritter").status == CommentStatus.PENDING


def test_approve_reject_and_spam_follow_the_allowed_transitions(page, moderator):
    comment = CommentFactory(target=page)
    services.comment_approve(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED
    assert list(Comment.objects.public()) == [comment]
    with pytest.raises(TransitionNotAllowed):
        services.comment_approve(comment=comment, moderator=moderator)

    reason = RejectionReasonFactory()
    services.comment_reject(comment=comment, moderator=moderator, reason=reason, note="zu scharf")
    services.comment_mark_spam(comment=comment, moderator=moderator, reason=reason)
    with pytest.raises(TransitionNotAllowed):
        services.comment_reject(comment=comment, moderator=moderator, reason=reason)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.SPAM
    assert not Comment.objects.public().exists()

    log = list(
        comment.actions.order_by("created_at", "id").values_list(
            "action", "actor_name", "decision_reason", "reason"
        )
    )
    assert log == [
        ("approve", "moderatorin", None, ""),
        ("reject", "moderatorin", reason.pk, "zu scharf"),
        ("spam", "moderatorin", reason.pk, ""),
    ]


def test_an_edit_keeps_the_original_and_is_logged(page, moderator):
    comment = CommentFactory(target=page, text="Dummer Text mit Telefonnummer 0123")
    services.comment_edit(
        comment=comment, moderator=moderator, text="Text ohne Nummer", reason="Datenschutz"
    )
    services.comment_edit(comment=comment, moderator=moderator, text="Text ohne Nummer.")
    comment.refresh_from_db()
    assert comment.text == "Text ohne Nummer."
    assert comment.original_text == "Dummer Text mit Telefonnummer 0123"
    assert comment.is_edited
    assert comment.actions.filter(action="edit").count() == 2
    # Saving the same text again is no edit.
    services.comment_edit(comment=comment, moderator=moderator, text="Text ohne Nummer.\r\n")
    assert comment.actions.filter(action="edit").count() == 2


def test_official_answer_is_public_at_once_and_one_level(page, moderator):
    comment = ApprovedCommentFactory(target=page)
    answer = services.comment_answer(
        comment=comment, staff=moderator, text="Danke, wir prüfen das."
    )
    assert answer.is_official
    assert answer.is_public
    assert answer.author_name == "Stadt Verl"
    assert answer.parent == comment
    assert answer.target == page
    with pytest.raises(TransitionNotAllowed):
        services.comment_answer(comment=answer, staff=moderator, text="Nein")
    with pytest.raises(TransitionNotAllowed):
        services.comment_answer(comment=CommentFactory(target=page), staff=moderator, text="x")


def test_hide_and_restore(page, moderator, decision_reason):
    comment = ApprovedCommentFactory(target=page)
    reply = ApprovedCommentFactory(target=page, parent=comment)
    services.comment_hide(
        comment=comment, moderator=moderator, reason="prüfen", rejection_reason=decision_reason
    )
    # The reply keeps its place under the hidden comment's trace.
    assert set(Comment.objects.public()) == {reply}
    assert set(Comment.objects.listed()) == {comment, reply}
    services.comment_restore(comment=comment, moderator=moderator)
    assert set(Comment.objects.public()) == {comment, reply}
    assert list(comment.actions.values_list("action", flat=True)) == ["restore", "hide"]


def test_enough_reports_from_different_accounts_hide_a_comment(
    page, settings, moderator, django_capture_on_commit_callbacks
):
    settings.COMMENT_REPORT_THRESHOLD = 2
    comment = ApprovedCommentFactory(target=page)
    first = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_report(
            comment=comment, reason=ReportReason.SPAM, reporter=first, client_keys=["a"]
        )
    with pytest.raises(ValidationError):
        services.comment_report(
            comment=comment, reason=ReportReason.SPAM, reporter=first, client_keys=["b"]
        )
    comment.refresh_from_db()
    assert comment.is_public

    services.comment_report(
        comment=comment,
        reason=ReportReason.ABUSE,
        note="Hetze",
        reporter=UserFactory(),
        client_keys=["b"],
    )
    comment.refresh_from_db()
    assert comment.is_hidden
    assert not Comment.objects.public().exists()
    hide = comment.actions.get()
    assert (hide.action, hide.actor, hide.reason) == ("hide", None, "2 Meldungen")
    with pytest.raises(ValidationError):
        services.comment_report(comment=comment, reason=ReportReason.SPAM, client_keys=["c"])

    services.comment_restore(comment=comment, moderator=moderator)
    assert not CommentReport.objects.open().exists()
    assert Comment.objects.public().get() == comment


def run_mail(django_capture_on_commit_callbacks, run_tasks, action):
    with django_capture_on_commit_callbacks(execute=True):
        result = action()
    run_tasks()
    return result


def test_no_mail_without_opt_in(page, moderator, django_capture_on_commit_callbacks, run_tasks):
    ConfirmedAddressFactory(email="ohne@example.org")
    comment = run_mail(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: submit(page, author_email="ohne@example.org"),
    )
    run_mail(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: services.comment_approve(comment=comment, moderator=moderator),
    )
    assert mail.outbox == []


def test_a_confirmed_author_is_mailed_on_approval_rejection_and_answer(
    page, moderator, django_capture_on_commit_callbacks, run_tasks
):
    address = ConfirmedAddressFactory(email="anna@example.org")
    first = run_mail(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: submit(page, author_email="anna@example.org", notify=True, text="Eins"),
    )
    # Confirmed already: no new confirmation, but a receipt with the case page's link.
    (received,) = mail.outbox
    assert received.subject == "Ihr Kommentar ist eingegangen"
    assert "/vorgang/" in received.body
    assert "Eins" not in received.body
    mail.outbox.clear()
    run_mail(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: services.comment_approve(comment=first, moderator=moderator),
    )
    run_mail(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: services.comment_answer(
            comment=first, staff=moderator, text="Wir kümmern uns darum."
        ),
    )
    second = submit(page, author_email="anna@example.org", notify=True, text="Zwei")
    reason = RejectionReasonFactory(text="Bitte bleiben Sie beim Thema.")
    run_mail(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: services.comment_reject(comment=second, moderator=moderator, reason=reason),
    )
    approved, answered, rejected = mail.outbox
    assert approved.subject == "Ihr Kommentar ist freigegeben"
    assert "/vorgang/" in approved.body
    assert f"/kommentare/{first.pk}/" in approved.body
    assert answered.subject == "Die Stadt Verl hat auf Ihren Kommentar geantwortet"
    assert "Wir kümmern uns darum." in answered.body
    assert rejected.subject == "Ihr Kommentar wurde nicht veröffentlicht"
    assert "Bitte bleiben Sie beim Thema." in rejected.body
    unsubscribe = f"http://127.0.0.1:8000/kommentare/abmelden/{address.unsubscribe_token}/"
    for message in mail.outbox:
        assert message.to == ["anna@example.org"]
        assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe in message.body

    # After unsubscribing nothing more is sent.
    subscriptions.address_unsubscribe(token=address.unsubscribe_token)
    third = submit(page, author_email="anna@example.org", notify=True, text="Drei")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_approve(comment=third, moderator=moderator)
    run_tasks()
    assert mail.outbox == []


def report(
    comment: Comment, key: str, reason: str = ReportReason.SPAM, *, signed_in: bool = False
) -> CommentReport:
    """A report from the client `key`; `signed_in`: from a new account of its own."""
    reporter = UserFactory() if signed_in else None
    return services.comment_report(
        comment=comment, reason=reason, reporter=reporter, client_keys=[key]
    )


def test_dismissing_reports_keeps_the_comment_public_and_is_logged(page, moderator):
    comment = ApprovedCommentFactory(target=page)
    report(comment, "a", ReportReason.ABUSE)
    other = report(ApprovedCommentFactory(target=page), "b")

    services.comment_reports_dismiss(comment=comment, moderator=moderator, reason="Sachlich")
    comment.refresh_from_db()
    assert comment.is_public
    assert not CommentReport.objects.filter(comment=comment).open().exists()
    assert CommentReport.objects.open().get() == other  # another comment's report stays open
    dismissal = comment.actions.get()
    assert (dismissal.action, dismissal.actor) == ("dismiss", moderator)
    assert "Beleidigung, Hetze oder Bedrohung" in dismissal.reason  # what was reported
    assert "Sachlich" in dismissal.reason  # and why it was dismissed

    # Nothing left to dismiss: the step is refused with the transition idiom's error.
    with pytest.raises(TransitionNotAllowed):
        services.comment_reports_dismiss(comment=comment, moderator=moderator)
    with pytest.raises(TransitionNotAllowed):
        services.comment_reports_dismiss(comment=CommentFactory(target=page), moderator=moderator)


def test_dismissing_the_reports_that_hid_a_comment_shows_it_again(page, settings, moderator):
    settings.COMMENT_REPORT_THRESHOLD = 2
    comment = ApprovedCommentFactory(target=page)
    report(comment, "a", signed_in=True)
    report(comment, "b", signed_in=True)
    comment.refresh_from_db()
    assert comment.is_hidden
    services.comment_reports_dismiss(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert comment.is_public
    assert not CommentReport.objects.open().exists()


def test_hiding_a_reported_comment_resolves_its_reports(page, settings, moderator, decision_reason):
    comment = ApprovedCommentFactory(target=page)
    report(comment, "a")
    services.comment_hide(
        comment=comment, moderator=moderator, reason="Werbung", rejection_reason=decision_reason
    )
    comment.refresh_from_db()
    assert comment.is_hidden
    assert not CommentReport.objects.open().exists()

    # A comment the readers' reports already hid: hiding confirms it and resolves them.
    settings.COMMENT_REPORT_THRESHOLD = 2
    hidden = ApprovedCommentFactory(target=page)
    report(hidden, "b", signed_in=True)
    report(hidden, "c", signed_in=True)
    services.comment_hide(
        comment=hidden, moderator=moderator, reason="bestätigt", rejection_reason=decision_reason
    )
    hidden.refresh_from_db()
    assert hidden.is_hidden
    assert not CommentReport.objects.open().exists()
    assert list(hidden.actions.values_list("action", "actor")) == [
        ("hide", moderator.pk),
        ("hide", None),
    ]
    # Hidden without open reports: nothing to decide.
    with pytest.raises(TransitionNotAllowed):
        services.comment_hide(comment=hidden, moderator=moderator)
