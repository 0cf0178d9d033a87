"""Create the first administrator, ready to sign in: `make admin`.

Django's createsuperuser would leave an account that cannot sign in here: sign-in is by
e-mail only (allauth) and needs a verified address. This one makes the address the
account's primary, verified allauth address and puts the account in the group Moderation,
so it also receives the moderators' mails. The user name (the public name of one's
comments) is taken from the address unless --username is given.

Interactive by default, with createsuperuser's prompts; --noinput takes --email and the
password from DJANGO_SUPERUSER_PASSWORD (without it the account has no password until one is
set through "Passwort vergessen?"). Idempotent: for an address that has an account already
it says so and changes nothing (exit status 0).
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.conf import settings
from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser, no_translations
from django.db import DEFAULT_DB_ALIAS
from django.urls import reverse

from feedback.subscriptions.services import normalize_email
from verl_digital.accounts.roles import MODERATION
from verl_digital.accounts.services import account_by_email, superuser_create

PASSWORD_VARIABLE = "DJANGO_SUPERUSER_PASSWORD"  # noqa: S105 - a variable's name, as Django's


class Command(createsuperuser.Command):
    help = (
        "Create an administrator who can sign in at once: a superuser whose e-mail address "
        "is verified (sign-in is by e-mail only) and who is in the group Moderation "
        "(creating the roles first if they are missing). Asks for e-mail, first and last "
        f"name and the password (twice, checked by the password validators); with --noinput "
        f"the password comes from {PASSWORD_VARIABLE}. An address that has an account "
        "already is left as it is. Then sign in at /konto/login/ and set up a second factor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Not createsuperuser's options: its --username is no login here.
        parser.add_argument("--email", help="E-mail address, the login (also for --noinput).")
        parser.add_argument("--first-name", default=None, help="First name, shown to staff.")
        parser.add_argument("--last-name", default=None, help="Last name, shown to staff.")
        parser.add_argument(
            "--username",
            help="Public name of the account's own comments (default: from the address).",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Ask nothing: needs --email; the password comes from {PASSWORD_VARIABLE}.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the input and tell what would be created; save nothing.",
        )

    @no_translations  # English like every command's dialogue, Django's prompts included
    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        if options["username"] is not None:
            error = self._validate_username(
                options["username"], self.username_field.verbose_name, DEFAULT_DB_ALIAS
            )
            if error:
                raise CommandError(f"--username: {error}")
        try:
            values = self._ask(options) if options["interactive"] else self._given(options)
        except KeyboardInterrupt:
            raise CommandError("Cancelled, nothing created.") from None
        if values is None:
            return  # the address has an account; said so
        if options["dry_run"]:
            if verbosity >= 1:
                self.stdout.write(f"Dry run: would create the administrator {values['email']}.")
            return
        if not Group.objects.filter(name=MODERATION).exists():
            call_command("setup_roles", verbosity=verbosity, stdout=self.stdout)
        user, created = superuser_create(**values)
        if not created:
            self._exists(user.email, verbosity)
            return
        if verbosity >= 1:
            self._created(user)

    def _ask(self, options: dict[str, Any]) -> dict[str, Any] | None:
        if not (hasattr(self.stdin, "isatty") and self.stdin.isatty()):
            raise CommandError(
                f"Not running in a terminal: use --noinput with --email and {PASSWORD_VARIABLE}."
            )
        email_field = self.UserModel._meta.get_field("email")
        email = self._email(options["email"]) if options["email"] else None
        while not email:
            email = self.get_input_data(email_field, self._get_input_message(email_field))
        if self._existing(email, options["verbosity"]):
            return None
        names = {}
        for name in ("first_name", "last_name"):
            field = self.UserModel._meta.get_field(name)
            names[name] = options[name]
            while names[name] is None:
                names[name] = self.get_input_data(field, self._get_input_message(field))
        values = {"email": normalize_email(email), "username": options["username"] or "", **names}
        return {**values, "password": self._password(values)}

    def _given(self, options: dict[str, Any]) -> dict[str, Any] | None:
        email = options["email"] or os.environ.get("DJANGO_SUPERUSER_EMAIL")
        if not email:
            raise CommandError("--noinput needs --email.")
        email = self._email(email)
        if email is None:
            raise CommandError("--email: not a valid e-mail address.")
        if self._existing(email, options["verbosity"]):
            return None
        values = {
            "email": normalize_email(email),
            "username": options["username"] or "",
            "first_name": options["first_name"] or "",
            "last_name": options["last_name"] or "",
        }
        password = os.environ.get(PASSWORD_VARIABLE) or None
        if password is not None:
            try:
                validate_password(password, self.UserModel(**values))
            except ValidationError as error:
                raise CommandError(f"{PASSWORD_VARIABLE}: {' '.join(error.messages)}") from None
        return {**values, "password": password}

    def _email(self, value: str) -> str | None:
        try:
            return self.UserModel._meta.get_field("email").clean(value.strip(), None) or None
        except ValidationError as error:
            self.stderr.write(f"Error: {'; '.join(error.messages)}")
            return None

    def _password(self, values: dict[str, str]) -> str:
        """createsuperuser's two prompts, but without its offer to skip the validators: this
        account may do everything on a public site."""
        user = self.UserModel(**values)
        while True:
            password = getpass.getpass()
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("Error: Your passwords didn't match.")
                continue
            if not password.strip():
                self.stderr.write("Error: Blank passwords aren't allowed.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            return password

    def _existing(self, email: str, verbosity: int) -> bool:
        user = account_by_email(email)
        if user is not None:
            self._exists(email, verbosity)
        return user is not None

    def _exists(self, email: str, verbosity: int) -> None:
        if verbosity >= 1:
            self.stdout.write(f"An account for {email} exists already; nothing changed.")

    def _created(self, user: Any) -> None:
        login = settings.SITE_URL + reverse("account_login")
        self.stdout.write(
            f"Administrator {user.email} created (user name {user.get_username()}): address "
            f"verified, group {MODERATION}."
        )
        if not user.has_usable_password():
            reset = settings.SITE_URL + reverse("account_reset_password")
            self.stdout.write(f"No password yet ({PASSWORD_VARIABLE} unset): set one at {reset}")
        self.stdout.write(
            f"Next: sign in at {login}, set up an authenticator app or a passkey, keep the "
            "recovery codes, then open the admin."
        )
