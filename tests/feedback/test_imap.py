import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from feedback import imap
from feedback.models import Conversation, Message
from tests.feedback import mailcorpus

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PROCESSED, REJECTED = "inbox-imported", "inbox-rejected"


def fetch(*args: str, verbosity: int = 2) -> str:
    out = StringIO()
    call_command("fetch_email", *args, verbosity=verbosity, stdout=out, stderr=out)
    return out.getvalue()


def test_new_mail_is_stored_marked_and_not_imported_twice(imap_account):
    imap_account.append(mailcorpus.build(subject="WLAN am Rathaus"))
    imap_account.append(mailcorpus.build(message_id=None, subject="Ohne Message-ID"))
    imap_account.append(mailcorpus.build(headers={"Auto-Submitted": "auto-replied"}))

    output = fetch()
    assert "2 stored, 0 duplicate, 1 auto-reply or bounce, 0 rejected." in output
    assert sorted(Conversation.objects.values_list("subject", flat=True)) == [
        "Ohne Message-ID",
        "WLAN am Rathaus",
    ]
    for flags in imap_account.flags():
        assert PROCESSED in flags
        assert "\\Seen" not in flags  # a person reading the mailbox still sees them as new

    output = fetch()
    assert "0 stored, 0 duplicate, 0 auto-reply or bounce, 0 rejected." in output
    assert Message.objects.count() == 2


def test_processed_mail_can_be_moved_to_a_folder(imap_account, settings):
    imap_account.create_folder("Verarbeitet")
    settings.IMAP_PROCESSED_FOLDER = "Verarbeitet"
    imap_account.append(mailcorpus.build())
    fetch()
    assert imap_account.flags("INBOX") == []
    assert len(imap_account.flags("Verarbeitet")) == 1
    assert Conversation.objects.count() == 1


def test_a_crash_between_storing_and_marking_does_not_duplicate(imap_account, monkeypatch):
    imap_account.append(mailcorpus.build(subject="Mit ID"))
    imap_account.append(mailcorpus.build(message_id=None, subject="Ohne ID"))
    real_mark = imap._mark

    def connection_lost(box, uid, result):
        box.client.shutdown()  # the network goes away after the message was stored
        real_mark(box, uid, result)

    monkeypatch.setattr(imap, "_mark", connection_lost)
    with pytest.raises(CommandError) as failure:
        fetch()
    assert failure.value.returncode == 75  # EX_TEMPFAIL: try again later
    assert Message.objects.count() == 1
    assert all(PROCESSED not in flags for flags in imap_account.flags())

    monkeypatch.setattr(imap, "_mark", real_mark)
    output = fetch()
    assert "1 stored, 1 duplicate" in output
    assert sorted(Message.objects.values_list("subject", flat=True)) == ["Mit ID", "Ohne ID"]
    assert all(PROCESSED in flags for flags in imap_account.flags())


def test_rejected_mail_is_reported_once_and_left_in_place(imap_account, settings):
    settings.EMAIL_MAX_BYTES = 20_000
    imap_account.append(b"Subject: ohne Absender\r\n\r\nText\r\n")
    imap_account.append(mailcorpus.build(text="x" * 30_000))
    with pytest.raises(CommandError) as failure:
        fetch()
    assert failure.value.returncode == 65
    assert [REJECTED in flags for flags in imap_account.flags()] == [True, True]
    assert Message.objects.count() == 0
    assert "0 rejected" in fetch()  # not reported again on every poll


def test_dry_run_stores_and_marks_nothing(imap_account):
    imap_account.append(mailcorpus.build())
    assert "Dry run, nothing kept: 1 stored" in fetch("--dry-run")
    assert Message.objects.count() == 0
    assert imap_account.flags() == [set()]


@pytest.mark.parametrize("broken", ["folder", "port"])
def test_server_errors_are_one_line_without_traceback(imap_account, settings, broken):
    # (A wrong password would do too, but Dovecot then delays every later login from here.)
    if broken == "folder":
        settings.IMAP_FOLDER = "Gibt es nicht"
    else:
        settings.IMAP_PORT = closed_port()
    with pytest.raises(CommandError, match=r"^IMAP server 127\.0\.0\.1:\d+: .+") as failure:
        fetch()
    assert failure.value.returncode == 75
    assert "\n" not in str(failure.value)


def test_missing_configuration_is_explained(settings):
    settings.IMAP_HOST = ""
    with pytest.raises(CommandError, match="IMAP_HOST and IMAP_USER must be set"):
        fetch()


def test_loop_polls_until_interrupted(imap_account, monkeypatch):
    imap_account.append(mailcorpus.build())
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt
        imap_account.append(mailcorpus.build(subject="Zwischendurch eingegangen"))

    monkeypatch.setattr("feedback.management.commands.fetch_email.time.sleep", sleep)
    # Between polls the command drops stale database connections; inside a test transaction
    # that would be the test's own (the run_tasks fixture does the same for the worker).
    monkeypatch.setattr(
        "feedback.management.commands.fetch_email.close_old_connections", lambda: None
    )
    fetch("--loop", "30", verbosity=0)
    assert sleeps == [30, 30]
    assert Conversation.objects.count() == 2


def test_loop_reports_a_server_outage_and_fetches_on_the_next_poll(
    imap_account, monkeypatch, settings
):
    imap_account.append(mailcorpus.build(subject="Während der Störung geschickt"))
    port = settings.IMAP_PORT
    settings.IMAP_PORT = closed_port()  # the server is down for the first poll
    polls = []

    def sleep(seconds):
        polls.append(Conversation.objects.count())
        if len(polls) == 2:
            raise KeyboardInterrupt
        settings.IMAP_PORT = port  # and back for the next

    monkeypatch.setattr("feedback.management.commands.fetch_email.time.sleep", sleep)
    monkeypatch.setattr(
        "feedback.management.commands.fetch_email.close_old_connections", lambda: None
    )
    output = fetch("--loop", "60", verbosity=1)
    assert polls == [0, 1]
    assert Conversation.objects.get().subject == "Während der Störung geschickt"
    [error] = [line for line in output.splitlines() if line.startswith("IMAP server")]
    assert f":{settings.IMAP_PORT}" not in error  # the outage, not the later success
