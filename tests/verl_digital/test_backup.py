"""Backup and restore with the real pg_dump/pg_restore, into a fresh database."""

import uuid
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from feedback.models import Attachment, Comment, Conversation
from strategy.models import Page
from tests.feedback.factories import ApprovedCommentFactory, MessageFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """Uploads on disk, as in production (the suite keeps them in memory otherwise)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@contextmanager
def fresh_database():
    """A newly created, empty database on the same server, used as the configured one."""
    name = f"verl_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield name
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("verl_content")
def test_a_backup_restores_into_a_fresh_database_with_its_files(media_root, tmp_path):
    comment = ApprovedCommentFactory(
        target=Page.objects.get(slug=Page.HOME), text="Gesichert und wiederhergestellt."
    )
    message = MessageFactory(text="Bitte um Rückruf.")
    attachment = Attachment(message=message, filename="plan.pdf", content_type="application/pdf")
    attachment.file.save("plan", ContentFile(b"%PDF-1.4 Bauplan\n"), save=False)
    attachment.size = 17
    attachment.save()
    stored_path = attachment.file.name

    folder = Path(run("backup", "--output-dir", str(tmp_path / "backups")).strip())
    assert sorted(p.name for p in folder.iterdir()) == [
        "database.dump",
        "manifest.json",
        "media.tar.gz",
    ]

    # The server and its disk are lost: a new database, an empty media folder.
    (media_root / stored_path).unlink()
    with fresh_database() as name:
        assert "dry run" in run("restore", str(folder), "--dry-run")
        assert not (media_root / stored_path).exists()
        assert f"into {name}" in run("restore", str(folder))
        assert Comment.objects.get(pk=comment.pk).text == "Gesichert und wiederhergestellt."
        restored = Conversation.objects.get(pk=message.conversation_id)
        assert restored.messages.get().text == "Bitte um Rückruf."
        file = Attachment.objects.get(pk=attachment.pk).file
        with file.open("rb") as stream:
            assert stream.read() == b"%PDF-1.4 Bauplan\n"
        assert Page.objects.filter(slug=Page.HOME).exists()

        # A second restore would mix two states: refused.
        with pytest.raises(CommandError, match="is not empty"):
            run("restore", str(folder))


def test_a_damaged_backup_is_refused_before_anything_is_written(media_root, tmp_path):
    folder = Path(run("backup", "--output-dir", str(tmp_path)).strip())
    dump = folder / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-10])
    with fresh_database(), pytest.raises(CommandError, match="damaged"):
        run("restore", str(folder))
