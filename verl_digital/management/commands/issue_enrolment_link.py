"""Issue a link with which a staff member enrols their first second factor."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verl_digital.accounts.second_factor import ENROLMENT_LINK_MAX_AGE, has_second_factor
from verl_digital.accounts.services import account_by_email, enrolment_link_issue


class Command(BaseCommand):
    help = (
        "Print a link with which a staff member without a second factor may set one up "
        "(authenticator app or passkey), for staff whose mail is not set up: a staff account "
        "otherwise asks for the link by mail. Hand the link over in person. It works once, "
        f"for {ENROLMENT_LINK_MAX_AGE // 60} minutes, after signing in with the account's "
        "password (README, 'First sign-in')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The staff member's address (as they sign in).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the account; issue no link."
        )

    def handle(self, *args: Any, email: str, dry_run: bool = False, **options: Any) -> None:
        user = account_by_email(email)
        if user is None:
            raise CommandError(f"no account with the address {email}")
        if not user.is_staff:
            raise CommandError(f"{email} is no staff account: citizens set up a factor themselves")
        if has_second_factor(user):
            raise CommandError(
                f"{email} has a second factor already; a further one is added after signing in "
                "with it (if it is lost: remove it in the admin under Authenticators first)"
            )
        minutes = ENROLMENT_LINK_MAX_AGE // 60
        if dry_run:
            self.stdout.write(f"would issue an enrolment link for {email} (dry run)")
            return
        link = enrolment_link_issue(user=user)
        self.stdout.write(
            f"Enrolment link for {email}, valid for {minutes} minutes, once, after signing in "
            f"with the account's password:\n{link}"
        )
