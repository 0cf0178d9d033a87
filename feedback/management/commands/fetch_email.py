"""Fetch new e-mail from the CDO's IMAP mailbox into the inbox, once or every N seconds.

Idempotent: processed messages are moved to IMAP_PROCESSED_FOLDER or get the keyword
IMAP_PROCESSED_FLAG, and only after they are stored; a message fetched twice (after a crash
between storing and marking) is recognised as a duplicate. Exit status as `ingest_email`:
65 when a message was rejected, 75 when the server or the database cannot be reached.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, close_old_connections

from feedback.imap import IMAP_ERRORS, mailbox_poll
from feedback.inbound import one_line
from feedback.management.reporting import EX_TEMPFAIL, IngestReport


def _positive(value: str) -> int:
    seconds = int(value)
    if seconds < 1:
        raise ValueError(value)
    return seconds


class Command(BaseCommand):
    help = (
        "Fetch new e-mail from the IMAP mailbox (IMAP_HOST, IMAP_USER, IMAP_FOLDER …) into "
        "the inbox; once, or every N seconds with --loop N."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--loop",
            type=_positive,
            metavar="N",
            help="Keep running and poll every N seconds.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would happen; store nothing and mark nothing on the server.",
        )

    def handle(self, *args: Any, loop: int | None = None, dry_run: bool = False, **options: Any):
        if not (settings.IMAP_HOST and settings.IMAP_USER):
            raise CommandError("IMAP_HOST and IMAP_USER must be set to fetch e-mail.")
        if loop is None:
            self._poll(dry_run=dry_run, verbosity=options["verbosity"])
            return
        try:
            while True:
                try:
                    self._poll(dry_run=dry_run, verbosity=options["verbosity"])
                except CommandError as error:
                    # Keep polling: the server may be back, a rejected mail stays marked.
                    self.stderr.write(str(error))
                close_old_connections()
                time.sleep(loop)
        except KeyboardInterrupt:
            return

    def _poll(self, *, dry_run: bool, verbosity: int) -> None:
        report = IngestReport(self, verbosity=verbosity, dry_run=dry_run)
        try:
            mailbox_poll(dry_run=dry_run, on_result=report.add)
        except IMAP_ERRORS as error:
            raise CommandError(
                f"IMAP server {settings.IMAP_HOST}:{settings.IMAP_PORT}: "
                f"{one_line(str(error)) or type(error).__name__}",
                returncode=EX_TEMPFAIL,
            ) from error
        except OperationalError as error:
            raise CommandError(
                f"database unavailable, try again later: {one_line(str(error))}",
                returncode=EX_TEMPFAIL,
            ) from error
        report.finish()
