"""Fetch new e-mail from the CDO's IMAP mailbox into the inbox, once or every N seconds.

Idempotent: processed messages are moved to IMAP_PROCESSED_FOLDER or get the keyword
IMAP_PROCESSED_FLAG, and only after they are stored; a message fetched twice (after a crash
between storing and marking) is recognised as a duplicate. A message that fails unexpectedly
is logged by UID and Message-ID and left unmarked, so the next poll tries it again.

Exit status: 65 when a message was rejected, 70 when a message failed unexpectedly, 75 when
the server or the database cannot be reached. With --loop the command does not exit on any
of these: it reports them and polls again, and without a configured mailbox it waits.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from feedback.inbox.imap import DATABASE_DOWN, IMAP_ERRORS, mailbox_poll
from feedback.inbox.parse import one_line
from feedback.management.reporting import EX_TEMPFAIL, IngestReport

logger = logging.getLogger(__name__)


def _positive(value: str) -> int:
    seconds = int(value)
    if seconds < 1:
        raise ValueError(value)
    return seconds


class Command(BaseCommand):
    help = (
        "Fetch new e-mail from the IMAP mailbox (IMAP_HOST, IMAP_USER, IMAP_FOLDER …) into "
        "the inbox; once, or every N seconds with --loop N. A message that fails stays on "
        "the server for the next poll; with --loop no error ends the command, and without "
        "IMAP_HOST it waits instead of exiting."
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
        configured = bool(settings.IMAP_HOST and settings.IMAP_USER)
        if loop is None:
            if not configured:
                raise CommandError("IMAP_HOST and IMAP_USER must be set to fetch e-mail.")
            self._poll(dry_run=dry_run, verbosity=options["verbosity"])
            return
        try:
            if not configured:
                self._idle(loop)
            while True:
                try:
                    self._poll(dry_run=dry_run, verbosity=options["verbosity"])
                except CommandError as error:
                    # Keep polling: the server may be back, a rejected mail stays marked,
                    # a failed one is tried again.
                    self.stderr.write(str(error))
                except Exception:
                    # Whatever it was, the next poll may succeed; ending here would leave
                    # the mailbox unread until someone notices.
                    logger.exception("poll of %s failed", settings.IMAP_FOLDER)
                close_old_connections()
                time.sleep(loop)
        except KeyboardInterrupt:
            return

    def _idle(self, seconds: int) -> None:
        """Wait for good: as a service that is always started (compose), exiting without a
        mailbox would only have it restarted over and over. Settings change with a restart."""
        self.stderr.write(
            "No mailbox configured (IMAP_HOST, IMAP_USER): not fetching e-mail, waiting."
        )
        while True:
            time.sleep(seconds)

    def _poll(self, *, dry_run: bool, verbosity: int) -> None:
        report = IngestReport(self, verbosity=verbosity, dry_run=dry_run)
        try:
            mailbox_poll(dry_run=dry_run, on_result=report.add, on_failure=report.fail)
        except IMAP_ERRORS as error:
            raise CommandError(
                f"IMAP server {settings.IMAP_HOST}:{settings.IMAP_PORT}: "
                f"{one_line(str(error)) or type(error).__name__}",
                returncode=EX_TEMPFAIL,
            ) from error
        except DATABASE_DOWN as error:
            raise CommandError(
                f"database unavailable, try again later: {one_line(str(error))}",
                returncode=EX_TEMPFAIL,
            ) from error
        report.finish()
