"""Back up the database (pg_dump, custom format) and the uploaded files into one folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from verl_digital.backup import BackupError, backup_create, postgres_tool, server_major


class Command(BaseCommand):
    help = (
        "Write a backup folder verl-<time>/ with database.dump (pg_dump -Fc), media.tar.gz "
        "(MEDIA_ROOT) and manifest.json (checksums) into --output-dir. Safe to run while the "
        "site serves: pg_dump reads one consistent snapshot. See docs/OPERATIONS.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=Path("backups"),
            help="Folder that receives the backup folder (default: ./backups).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only check that pg_dump of the server's version is found; write nothing.",
        )

    def handle(self, *args: Any, output_dir: Path, dry_run: bool, **options: Any) -> None:
        try:
            if dry_run:
                tool = postgres_tool("pg_dump", server_major())
                self.stdout.write(
                    f"dry run: would back up {connection.settings_dict['NAME']} with "
                    f"{tool.path} into {output_dir}"
                )
                return
            target = backup_create(output_dir=output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] >= 1:
            self.stdout.write(str(target))
