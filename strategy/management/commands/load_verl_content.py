"""Load the Verl content (the CDO page, tasks, strategy intro, legal pages, the first news
post) into the database; with --demo also the demo set of every registered source.

Idempotent: a second run changes nothing, and content an editor changed or deleted in the
admin is left alone.
"""

from itertools import chain
from typing import Any

from django.core.management.base import BaseCommand

from strategy.services import content_seed
from strategy.verl_content import demo_content, verl_content


class Command(BaseCommand):
    help = "Load the Verl content; never overwrites what an editor has changed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change without saving it."
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also load the demo set (marked 'Beispiel' on the site) so the site looks real.",
        )

    def handle(self, *args: Any, dry_run: bool = False, demo: bool = False, **options: Any) -> None:
        # Demo sources are consumed while seeding, so later ones see what earlier ones made.
        items = chain(verl_content(), demo_content() if demo else [])
        report = content_seed(items=items, dry_run=dry_run)
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
