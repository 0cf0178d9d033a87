"""Restore a backup folder into the configured (empty) database and MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from verl_digital.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a folder written by `manage.py backup`: check its checksums, pg_restore the "
        "dump into the configured database (it must be freshly created and empty) and unpack "
        "the uploaded files into MEDIA_ROOT. See docs/OPERATIONS.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="The backup folder (verl-<time>/).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the backup, the target database and pg_restore; restore nothing.",
        )

    def handle(self, *args: Any, source: Path, dry_run: bool, **options: Any) -> None:
        try:
            manifest = backup_restore(source=source, dry_run=dry_run)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if dry_run:
            self.stdout.write(f"dry run: {source} can be restored; nothing changed")
        elif options["verbosity"] >= 1:
            self.stdout.write(
                f"restored {manifest['database']} of {manifest['created']} into "
                f"{connection.settings_dict['NAME']}"
            )
