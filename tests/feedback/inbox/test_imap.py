import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from feedback.inbox import imap
from feedback.management.commands import fetch_email
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


@pytest.fixture
def full_media_volume(settings, tmp_path):
    """Attachments go to a real folder in which saving fails with an OSError, as on a full or
    misconfigured media volume: a file sits where their folder belongs (root cannot write
    there either). Deleting the returned path repairs it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    blocker = tmp_path / "inbox"
    blocker.write_text("")
    return blocker


def with_attachment(subject: str) -> bytes:
    return mailcorpus.build(
        subject=subject, attachments=[("foto.png", "image/png", mailcorpus.png_bytes())]
    )


def test_a_message_that_cannot_be_stored_stays_for_the_next_poll_the_others_are_stored(
    imap_account, full_media_volume
):
    imap_account.append(with_attachment("Mit Foto"))
    imap_account.append(mailcorpus.build(subject="Danach eingegangen"))
    imap_account.append(mailcorpus.build(subject="Zuletzt eingegangen"))

    with pytest.raises(CommandError) as failure:
        fetch()
    assert failure.value.returncode == 70  # EX_SOFTWARE: cron notices, and it is no outage
    assert sorted(Conversation.objects.values_list("subject", flat=True)) == [
        "Danach eingegangen",
        "Zuletzt eingegangen",
    ]
    assert [PROCESSED in flags for flags in imap_account.flags()] == [False, True, True]
    assert all(REJECTED not in flags for flags in imap_account.flags())

    full_media_volume.unlink()  # the volume is repaired
    assert "1 stored, 0 duplicate, 0 auto-reply or bounce, 0 rejected." in fetch()
    stored = Message.objects.get(subject="Mit Foto")
    assert [a.filename for a in stored.attachments.all()] == ["foto.png"]
    assert all(PROCESSED in flags for flags in imap_account.flags())


def test_a_failing_message_is_logged_by_uid_and_message_id_only(
    imap_account, full_media_volume, caplog
):
    # What the log says about a citizen's mail is part of what the site stores about them.
    imap_account.append(
        mailcorpus.build(
            subject="Meine Steuernummer",
            sender="Erika Mustermann <erika@example.org>",
            message_id="<steuer-1@mail.example.org>",
            attachments=[("foto.png", "image/png", mailcorpus.png_bytes())],
        )
    )
    with pytest.raises(CommandError):
        fetch()
    [record] = [r for r in caplog.records if r.name == "feedback.inbox.imap"]
    logged = record.getMessage()
    assert "uid 1" in logged
    assert "<steuer-1@mail.example.org>" in logged
    for private in ("erika", "Mustermann", "Steuernummer", "foto.png"):
        assert private not in logged


def never_sleep_twice(monkeypatch, between_polls=lambda: None) -> list[int]:
    """Replace the loop's sleep: run `between_polls` after the first poll, stop after the
    second; the returned list collects the waits."""
    sleeps: list[int] = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt
        between_polls()

    monkeypatch.setattr("feedback.management.commands.fetch_email.time.sleep", sleep)
    monkeypatch.setattr(
        "feedback.management.commands.fetch_email.close_old_connections", lambda: None
    )
    return sleeps


def test_loop_goes_on_after_a_message_fails_unexpectedly(imap_account, monkeypatch):
    # Not an OSError: the kind of error that used to end the loop for good.
    real_ingest = imap.message_ingest

    def ingest(*, raw, dry_run=False):
        if b"<kaputt@mail.example.org>" in raw:
            raise ValueError("a bug in the ingest")
        return real_ingest(raw=raw, dry_run=dry_run)

    monkeypatch.setattr(imap, "message_ingest", ingest)
    imap_account.append(mailcorpus.build(message_id="<kaputt@mail.example.org>"))
    imap_account.append(mailcorpus.build(subject="Gleich danach"))
    sleeps = never_sleep_twice(
        monkeypatch,
        lambda: imap_account.append(mailcorpus.build(subject="Beim zweiten Abruf")),
    )

    fetch("--loop", "60", verbosity=0)
    assert sleeps == [60, 60]
    assert sorted(Conversation.objects.values_list("subject", flat=True)) == [
        "Beim zweiten Abruf",
        "Gleich danach",
    ]
    assert [PROCESSED in flags for flags in imap_account.flags()] == [False, True, True]


def test_loop_goes_on_after_a_whole_poll_fails_unexpectedly(imap_account, monkeypatch):
    imap_account.append(mailcorpus.build(subject="Beim zweiten Abruf"))
    real_poll = fetch_email.mailbox_poll
    polls = []

    def poll(**kwargs):
        polls.append(1)
        if len(polls) == 1:
            raise RuntimeError("something no one thought of")
        real_poll(**kwargs)

    monkeypatch.setattr(fetch_email, "mailbox_poll", poll)
    sleeps = never_sleep_twice(monkeypatch)
    fetch("--loop", "60", verbosity=0)
    assert sleeps == [60, 60]
    assert Conversation.objects.get().subject == "Beim zweiten Abruf"


def test_without_loop_an_unexpected_error_fails_the_command(imap_account, monkeypatch):
    def poll(**kwargs):
        raise RuntimeError("something no one thought of")

    monkeypatch.setattr(fetch_email, "mailbox_poll", poll)
    with pytest.raises(RuntimeError):
        fetch()


def test_loop_without_a_mailbox_waits_instead_of_exiting(settings, monkeypatch):
    # A container started without IMAP_* must not be restarted over and over.
    settings.IMAP_HOST = ""
    sleeps = never_sleep_twice(monkeypatch)
    output = fetch("--loop", "60", verbosity=1)
    assert sleeps == [60, 60]
    assert output.count("No mailbox configured") == 1
