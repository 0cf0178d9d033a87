"""Readers' reports: anonymous ones reach the moderation queue, only different accounts hide."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from feedback.account_services import account_delete
from feedback.attention import attention_counts
from feedback.comments import services
from feedback.models import Comment, CommentReport, ReportReason
from feedback.privacy import export
from tests.feedback.factories import ApprovedCommentFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db

ALREADY = "Sie haben diesen Beitrag bereits gemeldet. Die Moderation prüft ihn."


def report(comment: Comment, *, reporter=None, key: str = "client-a") -> CommentReport:
    return services.comment_report(
        comment=comment, reason=ReportReason.ABUSE, reporter=reporter, client_keys=[key]
    )


def test_one_anonymous_client_never_hides_a_comment(
    page, settings, django_capture_on_commit_callbacks
):
    settings.COMMENT_REPORT_THRESHOLD = 3
    comment = ApprovedCommentFactory(target=page)
    start = timezone.now()
    for day in range(3):
        # A day later the fingerprint of the same client has changed and the marker expired.
        with time_machine.travel(start + timedelta(days=day, hours=1), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                report(comment, key=f"client-a-day-{day}")
            with pytest.raises(ValidationError):  # the same day: refused
                report(comment, key=f"client-a-day-{day}")
    cache.clear()  # an evicted or cleared cache forgets the markers
    with django_capture_on_commit_callbacks(execute=True):
        report(comment, key="client-a-day-2")

    comment.refresh_from_db()
    assert CommentReport.objects.filter(comment=comment).open().count() == 4
    assert comment.is_public
    assert Comment.objects.public().get() == comment
    assert not comment.actions.exists()


def test_reports_of_different_accounts_hide_a_comment_at_the_threshold(page, settings):
    settings.COMMENT_REPORT_THRESHOLD = 2
    comment = ApprovedCommentFactory(target=page)
    first, second = UserFactory.create_batch(2)
    report(comment, key="x")  # anonymous: does not count
    report(comment, reporter=first, key="y")
    comment.refresh_from_db()
    assert comment.is_public

    report(comment, reporter=second, key="z")
    comment.refresh_from_db()
    assert comment.is_hidden
    assert not Comment.objects.public().exists()
    hide = comment.actions.get()
    assert (hide.action, hide.actor, hide.reason) == ("hide", None, "2 Meldungen")
    assert set(CommentReport.objects.values_list("reporter", flat=True)) == {
        None,
        first.pk,
        second.pk,
    }


def test_an_account_reports_a_comment_once_even_after_a_moderator_decided(
    page, moderator, settings
):
    settings.COMMENT_REPORT_THRESHOLD = 2
    comment = ApprovedCommentFactory(target=page)
    reader = UserFactory()
    report(comment, reporter=reader, key="a")
    with pytest.raises(ValidationError) as refused:
        report(comment, reporter=reader, key="b")  # another client, the same account
    assert refused.value.messages == [ALREADY]

    services.comment_reports_dismiss(comment=comment, moderator=moderator)
    with pytest.raises(ValidationError):
        report(comment, reporter=reader, key="c")
    assert CommentReport.objects.filter(reporter=reader).count() == 1
    comment.refresh_from_db()
    assert comment.is_public


def test_the_database_refuses_a_second_report_of_one_account(page):
    comment = ApprovedCommentFactory(target=page)
    reader = UserFactory()
    CommentReport.objects.create(comment=comment, reporter=reader, reason=ReportReason.SPAM)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentReport.objects.create(comment=comment, reporter=reader, reason=ReportReason.SPAM)
    # Anonymous reports have no reporter and are not limited by the constraint.
    CommentReport.objects.create(comment=comment, reason=ReportReason.SPAM)
    CommentReport.objects.create(comment=comment, reason=ReportReason.SPAM)
    assert CommentReport.objects.count() == 3


def test_a_signed_in_reader_reporting_twice_reads_a_message(page, settings):
    settings.COMMENT_REPORT_THRESHOLD = 2
    comment = ApprovedCommentFactory(target=page)
    reader = UserFactory()
    client = signed_in(reader)
    url = reverse("feedback:comment_report", args=[comment.pk])
    assert client.post(url, {"reason": "abuse"}).status_code == 302
    response = client.post(url, {"reason": "spam"})
    assert response.status_code == 400
    assert ALREADY in response.content.decode()
    assert CommentReport.objects.get().reporter == reader


def test_the_queue_and_the_start_page_show_an_anonymously_reported_comment(
    page, moderator, moderator_client
):
    comment = ApprovedCommentFactory(target=page)
    ApprovedCommentFactory(target=page)  # not reported
    report(comment)
    response = moderator_client.get(
        reverse("admin:feedback_comment_changelist"), {"gemeldet": "offen"}
    )
    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [comment.pk]
    assert attention_counts(user=moderator).comments_reported == 1


def test_an_accounts_reports_are_exported_and_unlinked_when_it_is_deleted(page, moderator):
    comment = ApprovedCommentFactory(target=page)
    reader = UserFactory(email="leser@example.org")
    services.comment_report(
        comment=comment, reason=ReportReason.SPAM, note="Werbung", reporter=reader
    )
    data = export.personal_data_export(email="leser@example.org", actor=moderator)
    [account] = data["accounts"]
    [exported] = account["comment_reports"]
    assert (exported["comment"], exported["reason"], exported["note"]) == (
        comment.pk,
        "spam",
        "Werbung",
    )

    account_delete(user=reader)
    assert CommentReport.objects.get().reporter is None
