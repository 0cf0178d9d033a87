"""Compute the numbers of /transparenz/ and store them (`feedback.transparency_snapshot`).

Idempotent: a snapshot younger than `TRANSPARENCY_CACHE_SECONDS` is kept, so the scheduler
may start it as often as it likes (README, *Scheduled jobs*: every 15 minutes); `--force`
recomputes anyway. `--dry-run` computes and reports without storing anything.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from feedback.transparency_snapshot import transparency_snapshot_update


class Command(BaseCommand):
    help = (
        "Compute the transparency page's numbers and store them, unless the stored ones are "
        "younger than TRANSPARENCY_CACHE_SECONDS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Compute and report; store nothing."
        )
        parser.add_argument(
            "--force", action="store_true", help="Recompute even if the stored numbers are young."
        )

    def handle(
        self, *args: Any, dry_run: bool = False, force: bool = False, **options: Any
    ) -> None:
        update = transparency_snapshot_update(force=force, dry_run=dry_run)
        figures = update.figures
        if update.kept:
            message = f"Kept the numbers computed at {figures.computed_at:%Y-%m-%d %H:%M:%S%z}."
        else:
            prefix = "(dry run) " if dry_run else ""
            verb = "computed, not stored" if dry_run else "computed and stored"
            message = (
                f"{prefix}Numbers {verb}: {figures.report.total} contributions, "
                f"{figures.stats.total.cases} cases since {figures.report.start:%Y-%m-%d}."
            )
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(message))
