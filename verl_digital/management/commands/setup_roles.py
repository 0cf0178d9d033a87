"""Create the staff groups Moderation, Redaktion and Administration with exactly their permissions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from verl_digital.accounts.roles import role_permissions


class Command(BaseCommand):
    help = (
        "Create or update the groups Moderation (moderates comments, answers the inbox, edits "
        "no content), Redaktion (edits content, sees neither the inbox nor citizens' e-mail "
        "addresses) and Administration (everything, including users) so that each has exactly "
        "the permissions defined in verl_digital/accounts/roles.py. Idempotent; run after migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the changes without saving them."
        )

    @transaction.atomic
    def handle(self, *args: Any, dry_run: bool = False, verbosity: int = 1, **options: Any) -> None:
        changed = 0
        for name, wanted_keys in role_permissions().items():
            wanted = self._permissions(wanted_keys)
            group = Group.objects.filter(name=name).first()
            current = set(group.permissions.all()) if group else set()
            added, removed = wanted - current, current - wanted
            if group is None:
                changed += 1
                if verbosity >= 1:
                    self.stdout.write(f"create group {name}")
            for permission in sorted(added, key=self._label):
                if verbosity >= 2:
                    self.stdout.write(f"  {name}: + {self._label(permission)}")
            for permission in sorted(removed, key=self._label):
                if verbosity >= 2:
                    self.stdout.write(f"  {name}: - {self._label(permission)}")
            if added or removed:
                changed += 1
                if verbosity >= 1:
                    self.stdout.write(
                        f"group {name}: {len(added)} permission(s) added, {len(removed)} removed"
                    )
            if dry_run:
                continue
            if group is None:
                group = Group.objects.create(name=name)
            if added or removed:
                group.permissions.set(wanted)
        if verbosity >= 1:
            if not changed:
                self.stdout.write("roles are up to date")
            elif dry_run:
                self.stdout.write("dry run: nothing saved")

    @staticmethod
    def _label(permission: Permission) -> str:
        return f"{permission.content_type.app_label}.{permission.codename}"

    @staticmethod
    def _permissions(keys: set[tuple[str, str]]) -> set[Permission]:
        found = {
            (p.content_type.app_label, p.codename): p
            for p in Permission.objects.select_related("content_type").filter(
                content_type__app_label__in={app for app, _codename in keys},
                codename__in={codename for _app, codename in keys},
            )
        }
        missing = sorted(f"{app}.{codename}" for app, codename in keys - found.keys())
        if missing:
            raise CommandError(f"unknown permissions (run migrate first?): {', '.join(missing)}")
        return {found[key] for key in keys}
