"""Mail each staff member one summary of their overdue and nearly due cases (see
`feedback.alerts.overdue`).

Idempotent per day: a person gets at most one summary per working day, recorded in
PostgreSQL, so the scheduler may start it as often as it likes (README, *Scheduled jobs*:
every hour). Without `--date` it sends only on working days from 07:00 local time;
`--date` summarises that working day at once (e.g. to catch up a morning the scheduler
missed). `--dry-run` shows who would get what without sending or recording anything.
"""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feedback.alerts.overdue import overdue_summaries_send


class Command(BaseCommand):
    help = (
        "Mail each staff member one summary of their open overdue and nearly due cases; at "
        "most once per person and working day, from 07:00 (local time) on working days."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show who would get what; send nothing."
        )
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD",
            help="Summarise this working day at once instead of today from 07:00.",
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        day = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"--date: {error}") from error
        report = overdue_summaries_send(day=day, dry_run=dry_run)
        verbosity = options["verbosity"]
        prefix = "(dry run) " if dry_run else ""
        if report.skipped:
            if verbosity >= 1:
                self.stdout.write(f"{prefix}{report.day}: {report.skipped}, nothing sent.")
            return
        if verbosity >= 2:
            for email, (overdue, soon) in report.sent.items():
                self.stdout.write(f"{prefix}{email}: {overdue} overdue, {soon} due soon")
            for email in report.already_sent:
                self.stdout.write(f"{prefix}{email}: already had today's summary")
        if verbosity >= 1:
            verb = "would be sent" if dry_run else "sent"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{prefix}{report.day}: {len(report.sent)} summaries {verb}, "
                    f"{len(report.already_sent)} already sent."
                )
            )
