"""`manage.py prepare`: bring a database to what the site needs before it serves.

The one list of preparation steps, used by `make run` (`serve`), the compose stack's
`migrate` service and the benchmarks: migrate, create the cache table (used without Redis),
create the staff roles, load the rejection reasons and the content pack named by the
setting CONTENT_PACK (with the contact form's topics).
Every step is idempotent (the content seed never overwrites what an editor changed), so it
runs on every start.
"""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

STEPS = [
    ("migrate", {"interactive": False}),
    ("createcachetable", {}),
    ("setup_roles", {}),
    ("load_rejection_reasons", {}),
    ("load_content", {}),
]


class Command(BaseCommand):
    help = (
        "Migrate and load what the site needs (roles, rejection reasons, the content pack "
        "CONTENT_PACK); safe to run on every start."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Load the demo content too (examples of comments and messages).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the steps without running them."
        )

    def handle(self, *args: Any, demo: bool, dry_run: bool, verbosity: int, **options: Any) -> None:
        quiet = max(verbosity - 1, 0)
        for name, arguments in STEPS:
            positional = []
            if name == "load_content":
                positional = [settings.CONTENT_PACK]
                arguments = {**arguments, "demo": demo}
            if verbosity:
                self.stdout.write(f"… {name.replace('_', ' ')}")
            if not dry_run:
                call_command(name, *positional, verbosity=quiet, **arguments)
