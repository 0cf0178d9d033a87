import io
import mailbox
import os
import subprocess
import sys
import urllib.parse
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from feedback.inbox.services import conversation_answer
from feedback.models import Attachment, Conversation, Message, Topic
from tests.feedback import mailcorpus

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


def ingest(*paths, verbosity: int = 2, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(
        "ingest_email", *map(str, paths), verbosity=verbosity, stdout=out, stderr=err, **options
    )
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, raw: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


# name, message, outcome, check of the stored message (or None)
CORPUS = [
    (
        "plain",
        mailcorpus.build(subject="Freies WLAN"),
        "stored",
        lambda m: m.subject == "Freies WLAN" and "freie WLAN am Rathaus" in m.text,
    ),
    (
        "multipart-alternative",
        mailcorpus.build(text="Die Textfassung.", html="<p>Die <b>HTML</b>-Fassung</p>"),
        "stored",
        lambda m: m.text == "Die Textfassung.",
    ),
    (
        "html-only",
        mailcorpus.build(text=None, html="<p>Nur <i>HTML</i><script>alert(1)</script></p>"),
        "stored",
        lambda m: m.text == "Nur HTML",
    ),
    (
        "latin-1-and-encoded-words",
        mailcorpus.latin1_with_encoded_words(),
        "stored",
        lambda m: m.from_name == "Jürgen Müller" and "Südstraße" in m.subject + m.text,
    ),
    (
        "raw-8bit-and-broken-headers",
        mailcorpus.raw_8bit_headers(),
        "stored",
        lambda m: m.sent_at is None and "Bürgerbüro" in m.text,
    ),
    (
        "missing-date",
        mailcorpus.build(date=False),
        "stored",
        lambda m: m.sent_at is None,
    ),
    (
        "missing-message-id",
        mailcorpus.build(message_id=None),
        "stored",
        lambda m: m.message_id is None and len(m.content_hash) == 64,
    ),
    (
        "attachments",
        mailcorpus.build(
            attachments=[
                ("Antrag.pdf", "application/pdf", mailcorpus.PDF),
                ("Laterne.png", "image/png", mailcorpus.png_bytes()),
                ("rechnung.pdf.exe", "application/octet-stream", mailcorpus.EXE),
                ("getarnt.pdf", "application/pdf", mailcorpus.EXE),
                ("riesig.pdf", "application/pdf", mailcorpus.PDF + b"0" * 3000),
            ]
        ),
        "stored",
        lambda m: (
            [(a.filename, a.content_type) for a in m.attachments.all()]
            == [("Antrag.pdf", "application/pdf"), ("Laterne.png", "image/png")]
            and len(m.dropped_attachments) == 3
        ),
    ),
    ("over-size-limit", mailcorpus.build(text="x" * 60_000), "rejected", None),
    (
        "auto-reply",
        mailcorpus.build(headers={"Auto-Submitted": "auto-replied"}),
        "auto-reply",
        None,
    ),
    ("out-of-office", mailcorpus.build(headers={"X-Autoreply": "yes"}), "auto-reply", None),
    ("list-mail", mailcorpus.build(headers={"Precedence": "bulk"}), "auto-reply", None),
    ("bounce", mailcorpus.bounce(), "auto-reply", None),
    ("postmaster", mailcorpus.build(sender="postmaster@example.org"), "auto-reply", None),
    ("no-sender", b"To: digitalisierung@verl.de\r\nSubject: ?\r\n\r\nText\r\n", "rejected", None),
    ("not-an-email", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "rejected", None),
]


@pytest.mark.parametrize(("name", "raw", "outcome", "check"), CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus_through_ingest_email(tmp_path, settings, name, raw, outcome, check):
    settings.EMAIL_MAX_BYTES = 50_000
    settings.ATTACHMENT_MAX_BYTES = 2_000
    path = write(tmp_path, f"{name}.eml", raw)
    if outcome == "rejected":
        with pytest.raises(CommandError) as failure:
            ingest(path)
        assert failure.value.returncode == 65
        assert Message.objects.count() == 0
        return
    out, err = ingest(path)
    assert err == ""
    assert f"{outcome} {path}" in out
    if check is None:
        assert Message.objects.count() == 0
    else:
        [message] = Message.objects.all()
        assert check(message)


def test_rejections_are_one_line_each_on_stderr(tmp_path):
    good = write(tmp_path, "good.eml", mailcorpus.build())
    bad = write(tmp_path, "bad.eml", b"Subject: ohne Absender\r\n\r\nx")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="2 message\\(s\\) rejected") as failure:
        call_command("ingest_email", str(good), str(bad), "nope.eml", stdout=out, stderr=err)
    assert failure.value.returncode == 65
    assert err.getvalue().splitlines() == [
        f"rejected {bad}: no usable sender address (From)",
        "rejected nope.eml: cannot read: No such file or directory",
    ]
    assert "1 stored, 0 duplicate, 0 auto-reply or bounce, 2 rejected." in out.getvalue()
    assert Message.objects.count() == 1


def test_stored_attachments_keep_their_bytes_under_a_secret_path(tmp_path):
    raw = mailcorpus.build(attachments=[("Plan.pdf", "application/pdf", mailcorpus.PDF)])
    ingest(write(tmp_path, "a.eml", raw))
    [attachment] = Attachment.objects.all()
    assert "Plan" not in attachment.file.name
    assert len(Path(attachment.file.name).name) >= 32
    with default_storage.open(attachment.file.name) as stored:
        assert stored.read() == mailcorpus.PDF
    assert attachment.size == len(mailcorpus.PDF)


def test_the_same_file_twice_is_a_duplicate(tmp_path):
    path = write(tmp_path, "a.eml", mailcorpus.build())
    ingest(path)
    out, _ = ingest(path)
    assert f"duplicate {path}" in out
    assert Message.objects.count() == 1


def test_reply_to_our_answer_joins_the_conversation(
    tmp_path, superuser, django_capture_on_commit_callbacks
):
    ingest(write(tmp_path, "first.eml", mailcorpus.build(subject="Frage")))
    conversation = Conversation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        answer = conversation_answer(conversation=conversation, author=superuser, text="Antwort")
    reply = mailcorpus.build(
        subject=f"Re: AW: Frage [{conversation.reference}]",
        headers={"In-Reply-To": f"<{answer.message_id}>", "References": f"<{answer.message_id}>"},
    )
    out, _ = ingest(write(tmp_path, "reply.eml", reply))
    assert f"stored {tmp_path}/reply.eml: {conversation.reference}" in out
    assert Conversation.objects.count() == 1
    assert list(conversation.messages.values_list("direction", flat=True)) == ["in", "out", "in"]


def test_maildir_and_mbox_are_read(tmp_path):
    maildir = mailbox.Maildir(tmp_path / "Maildir", create=True)
    maildir.add(mailcorpus.build(subject="Aus dem Maildir 1"))
    maildir.add(mailcorpus.build(subject="Aus dem Maildir 2"))
    mbox = mailbox.mbox(tmp_path / "archiv.mbox", create=True)
    mbox.add(mailcorpus.build(subject="Aus der mbox"))
    mbox.add(mailcorpus.build(subject="From the mbox, mit From-Zeile im Text", text="From me\n"))
    mbox.close()
    out, err = ingest(tmp_path / "Maildir", tmp_path / "archiv.mbox")
    assert "4 stored" in out
    assert err == ""
    assert Conversation.objects.count() == 4


def test_a_plain_folder_is_rejected(tmp_path):
    with pytest.raises(CommandError):
        ingest(tmp_path)


def test_stdin_is_read_when_no_file_is_named(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(mailcorpus.build())))
    out, _ = ingest()
    assert "stored <stdin>" in out
    assert Conversation.objects.count() == 1


def test_dry_run_keeps_nothing(tmp_path):
    out, _ = ingest(write(tmp_path, "a.eml", mailcorpus.build()), dry_run=True)
    assert "Dry run, nothing kept: 1 stored" in out
    assert Conversation.objects.count() == 0


def test_quiet_run_prints_nothing_but_rejections(tmp_path):
    out, err = ingest(write(tmp_path, "a.eml", mailcorpus.build()), verbosity=0)
    assert (out, err) == ("", "")


def _database_url() -> str:
    """The test database as a DATABASE_URL (a socket folder goes into the path)."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"])
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    if db["HOST"].startswith("/"):
        return f"postgres://{user}{password}@:{db['PORT']}/{db['HOST']}/{db['NAME']}"
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_pipe_gets_exit_codes_and_never_a_traceback():
    """The real command in a process of its own, fed through stdin as a mail server does."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "verl_digital.settings.test",
        "DATABASE_URL": _database_url(),
    }

    def pipe(raw: bytes) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", "ingest_email"],
            input=raw,
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )

    stored = pipe(mailcorpus.latin1_with_encoded_words())
    assert stored.returncode == 0, stored.stderr
    assert Message.objects.get().subject == "Straßenbeleuchtung in der Südstraße"
    assert pipe(mailcorpus.latin1_with_encoded_words()).returncode == 0  # duplicate

    garbage = pipe(bytes(range(256)) * 20)
    assert garbage.returncode == 65
    assert b"Traceback" not in garbage.stderr
    assert garbage.stderr.decode().splitlines()[0].startswith("rejected <stdin>: ")
    assert Message.objects.count() == 1


def test_setup_inbox_creates_the_topics_idempotently():
    out = StringIO()
    call_command("setup_inbox", stdout=out)
    call_command("setup_inbox", stdout=out)
    assert Topic.objects.count() == 4
    assert "created 4 topics" in out.getvalue()
    assert "created 0 topics" in out.getvalue()
    call_command("setup_inbox", "--dry-run", stdout=out)
    assert Topic.objects.count() == 4
