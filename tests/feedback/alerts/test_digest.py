from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from feedback.alerts import digest
from feedback.models import Comment, ModerationAction
from tests.feedback.comments.test_services import submit
from tests.feedback.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_moderators_get_one_batched_digest_per_interval(
    page, moderator, settings, django_capture_on_commit_callbacks, run_tasks
):
    settings.MODERATION_NOTIFY_INTERVAL = 600
    UserFactory(email="andere@verl.example", groups=["Redaktion"])  # not a moderator
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(page, text="Erster")
        second = submit(page, text="Zweiter")
    assert DBTaskResult.objects.filter(task_path="feedback.alerts.digest.notify_staff").exists()
    assert mail.outbox == []  # never inside the request

    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    run_tasks()
    [digest] = mail.outbox
    assert digest.to == ["moderation@verl.example"]
    assert digest.subject == "2 neue Kommentare zur Moderation"
    for comment in (first, second):
        assert f"http://127.0.0.1:8000/admin/feedback/comment/{comment.pk}/change/" in digest.body
    assert "Smarte Verwaltung" in digest.body

    # A new comment within the interval waits for the next slot.
    with django_capture_on_commit_callbacks(execute=True):
        third = submit(page, text="Dritter")
    scheduled = DBTaskResult.objects.filter(
        task_path="feedback.alerts.digest.notify_staff", status="READY"
    ).get()
    assert scheduled.run_after > timezone.now() + timedelta(seconds=590)
    run_tasks()
    assert len(mail.outbox) == 1

    # The slot has come: the digest lists only what is new.
    Comment.objects.update(moderators_notified_at=timezone.now() - timedelta(seconds=601))
    Comment.objects.filter(pk=third.pk).update(moderators_notified_at=None)
    DBTaskResult.objects.filter(pk=scheduled.pk).update(run_after=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    run_tasks()
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "1 neuer Kommentar zur Moderation"
    assert f"/comment/{third.pk}/change/" in mail.outbox[1].body
    assert f"/comment/{first.pk}/change/" not in mail.outbox[1].body


def test_a_digest_with_nothing_new_sends_nothing(moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.moderators_notify() == "nothing"
    assert mail.outbox == []
    assert not ModerationAction.objects.exists()
