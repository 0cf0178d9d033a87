"""`feedback.tasks` only keeps old task paths working: rows queued before the split name them."""

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from feedback.alerts.digest import notify_moderators
from feedback.outbox import send_email
from tests.feedback.factories import CommentFactory


@pytest.mark.django_db
def test_a_mail_queued_under_the_old_task_path_is_sent(run_tasks):
    send_email.enqueue(subject="Vor dem Umzug", body="Text", to=["a@example.org"])
    DBTaskResult.objects.update(task_path="feedback.tasks.send_email")
    assert run_tasks() == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    [message] = mail.outbox
    assert message.subject == "Vor dem Umzug"


@pytest.mark.django_db
def test_a_digest_queued_under_the_old_task_path_is_sent(
    moderator, django_capture_on_commit_callbacks, run_tasks
):
    CommentFactory()
    notify_moderators.enqueue()
    DBTaskResult.objects.update(task_path="feedback.tasks.notify_moderators")
    with django_capture_on_commit_callbacks(execute=True):
        assert run_tasks() == 1
    assert DBTaskResult.objects.get(task_path="feedback.tasks.notify_moderators").status == (
        "SUCCESSFUL"
    )
    run_tasks()
    [digest] = mail.outbox
    assert digest.subject == "1 neuer Kommentar zur Moderation"
