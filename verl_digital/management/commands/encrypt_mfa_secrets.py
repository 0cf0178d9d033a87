"""Encrypt staff members' second-factor secrets under the current SECRET_KEY."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from verl_digital.accounts.services import mfa_secrets_encrypt


class Command(BaseCommand):
    help = (
        "Store every TOTP key and recovery code seed encrypted under the current SECRET_KEY: "
        "secrets stored in the clear and secrets under a former key (SECRET_KEY_FALLBACKS) "
        "are rewritten. Run it after rotating SECRET_KEY, before removing the old key from "
        "SECRET_KEY_FALLBACKS. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change without saving."
        )

    def handle(self, *args: Any, dry_run: bool = False, verbosity: int = 1, **options: Any) -> None:
        changed = mfa_secrets_encrypt(dry_run=dry_run)
        if verbosity >= 1:
            if not changed:
                self.stdout.write("all second-factor secrets are encrypted under the current key")
            elif dry_run:
                self.stdout.write(f"{changed} authenticator(s) would be re-encrypted (dry run)")
            else:
                self.stdout.write(f"{changed} authenticator(s) re-encrypted")
