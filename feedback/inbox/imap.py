"""Poll the CDO's IMAP mailbox (imap-tools) and feed each new message to `message_ingest`.

Order matters for never losing or doubling a message: a message is stored (committed)
first and marked as processed on the server only afterwards. A crash in between leaves it
unmarked; the next poll fetches it again and `message_ingest` recognises the duplicate.
A message whose ingest fails unexpectedly is left unmarked the same way, and the poll goes
on with the next one: one broken message must not hold up everyone else's.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import ssl
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage
from imap_tools.errors import ImapToolsError, MailboxFetchError, MailboxFlagError
from imap_tools.utils import check_command_status

from feedback.inbox.ingest import IngestOutcome, IngestResult, message_ingest
from feedback.inbox.parse import message_ids

logger = logging.getLogger(__name__)

# What can go wrong talking to the server: network, TLS, protocol or a refused command.
IMAP_ERRORS = (OSError, imaplib.IMAP4.error, ImapToolsError)
# The database is away: every further message would fail the same way, so the poll stops.
DATABASE_DOWN = (OperationalError, InterfaceError)


def imap_connect() -> BaseMailBox:
    """Log in to IMAP_HOST and select IMAP_FOLDER; TLS unless configured otherwise."""
    host, port, timeout = settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_TIMEOUT
    if settings.IMAP_SSL:
        box: BaseMailBox = MailBox(
            host, port, timeout=timeout, ssl_context=ssl.create_default_context()
        )
    elif settings.IMAP_STARTTLS:
        box = MailBoxStartTls(host, port, timeout=timeout, ssl_context=ssl.create_default_context())
    else:
        box = MailBoxUnencrypted(host, port, timeout=timeout)
    try:
        return box.login(
            settings.IMAP_USER, settings.IMAP_PASSWORD, initial_folder=settings.IMAP_FOLDER
        )
    except IMAP_ERRORS:
        with contextlib.suppress(*IMAP_ERRORS):
            box.client.shutdown()
        raise


def _fetch_raw(box: BaseMailBox, uid: str) -> bytes | None:
    """The message exactly as the server keeps it, without setting \\Seen."""
    response = box.client.uid("FETCH", uid, "(BODY.PEEK[])")
    check_command_status(response, MailboxFetchError)
    for item in response[1]:
        if isinstance(item, tuple):
            return item[1]
    return None  # deleted on the server meanwhile


def _add_keyword(box: BaseMailBox, uid: str, keyword: str) -> None:
    # A plain STORE: imap-tools' flag() would also expunge messages others marked \Deleted.
    response = box.client.uid("STORE", uid, "+FLAGS", f"({keyword})")
    check_command_status(response, MailboxFlagError)


def _mark(box: BaseMailBox, uid: str, result: IngestResult) -> None:
    if result.outcome == IngestOutcome.REJECTED:
        _add_keyword(box, uid, settings.IMAP_REJECTED_FLAG)
    elif settings.IMAP_PROCESSED_FOLDER:
        box.move(uid, settings.IMAP_PROCESSED_FOLDER)
    else:
        _add_keyword(box, uid, settings.IMAP_PROCESSED_FLAG)


def _identity(head: MailMessage) -> str:
    """UID and Message-ID: enough to find the message on the server, nothing of its content."""
    ids = message_ids(" ".join(str(value) for value in head.headers.get("message-id", ())))
    return f"uid {head.uid}" + (f", Message-ID <{ids[0]}>" if ids else "")


def mailbox_poll(
    *,
    dry_run: bool,
    on_result: Callable[[str, IngestResult], None],
    on_failure: Callable[[str], None],
) -> None:
    """Ingest every message not yet marked, oldest first; mark each after it is stored.

    Rejected messages get their own keyword and stay where they are for a person to look at.
    A message whose ingest raises is logged (by UID and Message-ID), reported to `on_failure`
    and left unmarked for the next poll. With `dry_run` nothing is stored and nothing is
    marked. Raises one of `IMAP_ERRORS`, or of `DATABASE_DOWN`.
    """
    box = imap_connect()
    try:
        criteria = AND(no_keyword=[settings.IMAP_PROCESSED_FLAG, settings.IMAP_REJECTED_FLAG])
        # Sizes first, so an oversized message is rejected without downloading it.
        heads = list(box.fetch(criteria, headers_only=True, mark_seen=False, bulk=100))
        for head in heads:
            label = f"{settings.IMAP_FOLDER} uid {head.uid}"
            if head.size_rfc822 > settings.EMAIL_MAX_BYTES:
                result = IngestResult(
                    IngestOutcome.REJECTED,
                    f"message too large ({head.size_rfc822} bytes, "
                    f"limit {settings.EMAIL_MAX_BYTES})",
                )
            else:
                raw = _fetch_raw(box, head.uid)
                if raw is None:
                    continue
                try:
                    result = message_ingest(raw=raw, dry_run=dry_run)
                except DATABASE_DOWN:
                    raise
                except Exception as error:  # a bug, or storage refusing an attachment
                    # Named by its identity only: content and sender are personal data,
                    # which the retention rules delete from the database but not from logs.
                    logger.error(
                        "%s %s: not stored (%s), left on the server for the next poll",
                        settings.IMAP_FOLDER,
                        _identity(head),
                        type(error).__name__,
                        exc_info=True,
                    )
                    on_failure(label)
                    continue
            on_result(label, result)
            if not dry_run:
                _mark(box, head.uid, result)
    finally:
        # When the connection is gone already, there is nothing left to close.
        with contextlib.suppress(*IMAP_ERRORS):
            box.logout()
