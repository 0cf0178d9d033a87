"""`manage.py load_content <name-or-path> [--demo] [--dry-run]`: load a content pack.

The pack is a name under strategy/content_packs/ (e.g. `verl`) or a directory; its format is
described in `strategy.packs`. It sets the town profile's first values, then the pages,
sections, tasks, legal pages, news and topics; with --demo also the demo set.

Idempotent: a second run changes nothing, and content an editor changed or deleted in the
admin is left alone (`strategy.services.content_seed`).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from strategy.packs import PackError, pack_load


class Command(BaseCommand):
    help = (
        "Load a content pack (a name under strategy/content_packs/ or a directory); never "
        "overwrites what an editor has changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pack", help="The pack's name (e.g. 'verl') or its directory.")
        self.add_options(parser)

    @staticmethod
    def add_options(parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change without saving it."
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also load the demo set (marked 'Beispiel' on the site) so the site looks real.",
        )

    def handle(
        self, *args: Any, pack: str, dry_run: bool = False, demo: bool = False, **options: Any
    ) -> None:
        try:
            report = pack_load(source=pack, demo=demo, dry_run=dry_run)
        except PackError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(f"Content pack {pack!r}: {error}") from error
        if options["verbosity"] >= 2:
            for label, keys in [
                ("created", report.created),
                ("updated", report.updated),
                ("kept (changed by an editor)", report.kept),
            ]:
                for key in keys:
                    self.stdout.write(f"{label}: {key}")
        prefix = "Dry run: would have " if dry_run else ""
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{prefix}created {len(report.created)}, updated {len(report.updated)}, "
                    f"left {len(report.unchanged)} unchanged and {len(report.kept)} as edited."
                )
            )
