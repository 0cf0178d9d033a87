import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from feedback.mail import email_queue
from feedback.tasks import send_email


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_mail_is_sent_by_the_worker_through_a_real_smtp_server(smtp_server, run_tasks):
    send_email.enqueue(
        subject="Betreff mit Umlaut ä",
        body="Guten Tag,\nein Test.",
        to=["buerger@example.org"],
        headers={"List-Unsubscribe": "<https://verl.example/abmelden/x>"},
    )
    assert smtp_server.messages == []  # nothing is sent inside the request
    assert run_tasks() == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "Betreff mit Umlaut ä"
    assert message["To"] == "buerger@example.org"
    assert message["List-Unsubscribe"] == "<https://verl.example/abmelden/x>"
    assert "ein Test." in message.get_content()


@pytest.mark.django_db
def test_mail_waits_and_is_retried_while_smtp_is_down(settings, smtp_server, run_tasks):
    settings.EMAIL_PORT = _closed_port()
    send_email.enqueue(subject="Wichtig", body="Text", to=["a@example.org"])
    run_tasks()
    retry = (
        DBTaskResult.objects.ready().count()
        + DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now()).count()
    )
    assert retry == 1
    assert smtp_server.messages == []

    # The server is back and the retry is due: the mail goes out exactly once.
    settings.EMAIL_PORT = smtp_server.port
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - timedelta(seconds=1)
    )
    run_tasks()
    run_tasks()
    assert [m["Subject"] for m in smtp_server.messages] == ["Wichtig"]


@pytest.mark.django_db
def test_email_queue_renders_and_sends_only_after_commit(
    django_capture_on_commit_callbacks, run_tasks, tmp_path, settings
):
    template_dir = tmp_path / "feedback" / "email"
    template_dir.mkdir(parents=True)
    (template_dir / "probe_subject.txt").write_text("Hallo {{ name }}\n")
    (template_dir / "probe_body.txt").write_text("Liebe/r {{ name }}, danke.\n")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_queue(to="x@example.org", template="probe", context={"name": "Ada"})
    assert DBTaskResult.objects.count() == 0  # a rolled-back write would send nothing
    for callback in callbacks:
        callback()
    run_tasks()
    [message] = mail.outbox
    assert message.subject == "Hallo Ada"
    assert message.body == "Liebe/r Ada, danke.\n"
    assert message.to == ["x@example.org"]
