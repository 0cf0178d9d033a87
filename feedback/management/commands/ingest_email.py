"""Read e-mail into the inbox from files, Maildir folders, mbox files or standard input.

A mail server can pipe each delivered message into it (`ingest_email` without arguments reads
one message from stdin). Idempotent: a message already stored is recognised as a duplicate,
so a Maildir or mbox can be read again safely. Exit status: 0 when nothing was rejected,
65 (EX_DATAERR) when a message was rejected, 75 (EX_TEMPFAIL) when the database is down,
so that a mail server bounces or retries accordingly.
"""

from __future__ import annotations

import mailbox
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from feedback.inbox.ingest import IngestOutcome, IngestResult, message_ingest
from feedback.management.reporting import EX_TEMPFAIL, IngestReport

# One source's messages: (label, raw bytes) or (label, reason it cannot be read).
Source = Iterator[tuple[str, bytes | IngestResult]]


def _rejected(reason: str) -> IngestResult:
    return IngestResult(IngestOutcome.REJECTED, reason)


def _read_limited(stream: BinaryIO) -> bytes:
    """Read up to one byte over the limit (enough to reject), then drain the rest unread."""
    data = stream.read(settings.EMAIL_MAX_BYTES + 1)
    while len(data) > settings.EMAIL_MAX_BYTES and stream.read(1 << 20):
        pass
    return data


def _stdin() -> Source:
    yield "<stdin>", _read_limited(sys.stdin.buffer)


def _maildir(path: Path) -> Source:
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in sorted(box.keys()):
        label = f"{path}/{key}"
        try:
            yield label, box.get_bytes(key)
        except OSError as error:
            yield label, _rejected(f"cannot read: {error.strerror or error}")


def _mbox(path: Path) -> Source:
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        for index, key in enumerate(box.keys(), start=1):
            yield f"{path}#{index}", box.get_bytes(key)
    finally:
        box.close()


def _file(path: Path) -> Source:
    try:
        if path.is_dir():
            if not all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
                yield str(path), _rejected("a folder that is no Maildir (cur/, new/, tmp/)")
                return
            yield from _maildir(path)
            return
        with path.open("rb") as stream:
            is_mbox = stream.read(5) == b"From "
            stream.seek(0)
            raw = b"" if is_mbox else _read_limited(stream)
        if is_mbox:
            yield from _mbox(path)
        else:
            yield str(path), raw
    except (OSError, mailbox.Error) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        yield str(path), _rejected(f"cannot read: {reason}")


class Command(BaseCommand):
    help = (
        "Store e-mail in the inbox: RFC 5322 message files, Maildir folders or mbox files, "
        "or one message from standard input when no FILE is given."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "paths", nargs="*", metavar="FILE", help="Message file, Maildir or mbox; - is stdin."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; store nothing."
        )

    def handle(self, *args: Any, paths: list[str], dry_run: bool = False, **options: Any) -> None:
        report = IngestReport(self, verbosity=options["verbosity"], dry_run=dry_run)
        for path in paths or ["-"]:
            source = _stdin() if path == "-" else _file(Path(path))
            for label, item in source:
                if isinstance(item, IngestResult):
                    report.add(label, item)
                    continue
                try:
                    result = message_ingest(raw=item, dry_run=dry_run)
                except OperationalError as error:
                    raise CommandError(
                        f"database unavailable, try again later: {error}".splitlines()[0],
                        returncode=EX_TEMPFAIL,
                    ) from error
                report.add(label, result)
        report.finish()
