"""Remove or anonymize personal data past its retention period (see `feedback.privacy`).

Idempotent: a second run finds nothing left to do. Meant to run daily (cron, a systemd timer
or the compose service); `--dry-run` shows what a run would do without changing anything.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from feedback.privacy.erasure import personal_data_purge

LABELS = {
    "comments_deleted": "comments deleted (not public, older than {months} months)",
    "comments_anonymized": "public comments anonymized (older than {months} months)",
    "appeals_erased": "texts of appeals blanked (decided more than {months} months ago)",
    "reports_deleted": "resolved reports deleted (older than {months} months)",
    "conversations_deleted": "conversations deleted with messages and attachments "
    "(last message older than {months} months)",
    "confirmed_addresses_deleted": "confirmed addresses deleted (no comment or open case left)",
    "unverified_accounts_deleted": "accounts deleted (unverified after {days} days)",
    "mails_deleted": "sent mails removed from the task table (older than {mail_days} days)",
    "sessions_deleted": "expired sessions deleted",
    "mail_budget_entries_deleted": "entries of the per-mailbox mail budget deleted (older than a day)",
}


class Command(BaseCommand):
    help = (
        "Delete or anonymize personal data older than RETENTION_MONTHS (comments, reports, "
        "conversations), accounts unverified after UNVERIFIED_ACCOUNT_DAYS, old mails in the "
        "task table and expired sessions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be done without changing data."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        counts = personal_data_purge(dry_run=dry_run)
        verbosity = options["verbosity"]
        values = {
            "months": settings.RETENTION_MONTHS,
            "days": settings.UNVERIFIED_ACCOUNT_DAYS,
            "mail_days": settings.TASK_RESULT_RETENTION_DAYS,
        }
        prefix = "(dry run) " if dry_run else ""
        if verbosity >= 1:
            # Every kind with -v 2; otherwise only what was (or would be) done.
            for key, count in counts.items():
                if count or verbosity >= 2:
                    self.stdout.write(f"{prefix}{LABELS[key].format(**values)}: {count}")
            total = sum(counts.values())
            summary = f"{total} records in all." if total else "Nothing past its retention period."
            self.stdout.write(self.style.SUCCESS(f"{prefix}{summary}"))
