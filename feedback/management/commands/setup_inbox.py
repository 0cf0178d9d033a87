"""Create the contact form's topics from the content pack's [[topics]] (`CONTENT_PACK`).

`load_content` (and so `prepare`) loads them with the rest of the pack; this command loads
only them, e.g. after editing the pack's topics. The same seed keys, so never twice.
Idempotent: a second run changes nothing, and topics an editor renamed, hid or deleted in
the admin are left as they are.
"""

from typing import Any

from django.core.management.base import BaseCommand

from feedback.inbox.services import inbox_seed


class Command(BaseCommand):
    help = (
        "Create the contact form's topics of the content pack (CONTENT_PACK); never "
        "overwrites an editor's change."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change without saving it."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        report = inbox_seed(dry_run=dry_run)
        if options["verbosity"] >= 2:
            for key in report.created:
                self.stdout.write(f"created: {key}")
        if options["verbosity"] >= 1:
            prefix = "Dry run: would have " if dry_run else ""
            self.stdout.write(
                self.style.SUCCESS(
                    f"{prefix}created {len(report.created)} topics, updated "
                    f"{len(report.updated)}, left {len(report.unchanged) + len(report.kept)} "
                    "as they were."
                )
            )
