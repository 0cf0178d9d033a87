"""Give moderators a first list of rejection reasons; they edit it in the admin."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from feedback.models import RejectionReason
from strategy.base import validated_save

DEFAULT_REASONS = [
    (
        "Beleidigend oder herabsetzend",
        "Ihr Kommentar enthält Beleidigungen oder herabsetzende Äußerungen. Wir veröffentlichen "
        "nur Beiträge, die respektvoll mit anderen umgehen.",
    ),
    (
        "Werbung",
        "Ihr Kommentar enthält Werbung für Produkte, Dienstleistungen oder Parteien. Dafür ist "
        "dieser Bereich nicht gedacht.",
    ),
    (
        "Persönliche Daten",
        "Ihr Kommentar enthält persönliche Daten (z. B. Namen, Adressen oder Telefonnummern) "
        "anderer Menschen. Zu deren Schutz veröffentlichen wir ihn nicht.",
    ),
    (
        "Kein Bezug zum Thema",
        "Ihr Kommentar hat keinen erkennbaren Bezug zum Thema dieser Seite. Für allgemeine "
        "Anliegen nutzen Sie bitte das Kontaktformular.",
    ),
    (
        "Rechtswidriger Inhalt",
        "Ihr Kommentar enthält Inhalte, deren Veröffentlichung gegen geltendes Recht verstoßen "
        "würde.",
    ),
]


class Command(BaseCommand):
    help = (
        "Load the default rejection reasons while there are none yet. Idempotent: once the "
        "list has entries (moderators may have edited or deleted some) it is left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be created without saving."
        )

    @transaction.atomic
    def handle(self, *args: Any, dry_run: bool = False, verbosity: int = 1, **options: Any) -> None:
        if RejectionReason.objects.exists():
            if verbosity >= 2:
                self.stdout.write("rejection reasons exist already; nothing to do")
            return
        for position, (title, text) in enumerate(DEFAULT_REASONS):
            if verbosity >= 2:
                self.stdout.write(f"create rejection reason {title!r}")
            if not dry_run:
                reason = RejectionReason(title=title, text=text, position=position)
                validated_save(reason)
        if verbosity >= 1:
            suffix = " (dry run: nothing saved)" if dry_run else ""
            self.stdout.write(f"{len(DEFAULT_REASONS)} rejection reasons created{suffix}")
