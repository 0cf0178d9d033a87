import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from feedback.outbox import RETRY_DELAYS, email_queue, send_email
from tests.servers import free_port


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


class Greylisting:
    """An SMTP server that says "try again later" to the first attempt, as greylisting does."""

    def __init__(self) -> None:
        self.refusals = 0
        self.messages: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusals == 0:
            self.refusals += 1
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def greylisting_server(settings):
    handler = Greylisting()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    yield handler
    controller.stop()


def make_due() -> None:
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - timedelta(seconds=1)
    )


@pytest.mark.django_db
def test_a_temporary_refusal_is_retried_and_the_mail_sent_once(greylisting_server, run_tasks):
    send_email.enqueue(subject="Ihre Nachricht", body="Text", to=["a@example.org"])
    run_tasks()
    assert greylisting_server.refusals == 1
    assert greylisting_server.messages == []
    [retry] = DBTaskResult.objects.filter(status="READY")
    assert retry.run_after > timezone.now() + timedelta(seconds=50)
    make_due()
    run_tasks()
    make_due()
    run_tasks()
    assert len(greylisting_server.messages) == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db
def test_a_final_refusal_is_not_retried(settings, run_tasks):
    class Refusing:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 No such user"

    controller = Controller(Refusing(), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    try:
        send_email.enqueue(subject="Hallo", body="Text", to=["gibtsnicht@example.org"])
        run_tasks()
    finally:
        controller.stop()
    assert DBTaskResult.objects.get().return_value == "refused"


@pytest.mark.django_db
def test_waits_grow_and_an_undeliverable_mail_stays_recorded_as_failed(settings, run_tasks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    send_email.enqueue(subject="Wichtig", body="Text", to=["a@example.org"])
    waits = []
    for _attempt in range(3):
        run_tasks()
        retry = DBTaskResult.objects.get(status="READY")
        waits.append(round((retry.run_after - timezone.now()).total_seconds() / 60))
        make_due()
    assert waits == list(RETRY_DELAYS[:3])

    send_email.enqueue(subject="Letzter Versuch", body="Text", to=["b@example.org"], attempt=20)
    run_tasks()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.args_kwargs["kwargs"]["subject"] == "Letzter Versuch"
    assert "MailNotDelivered" in failed.exception_class_path
