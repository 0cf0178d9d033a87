"""`manage.py load_verl_content [--demo] [--dry-run]`: the old name of `load_content verl`."""

from typing import Any

from django.core.management.base import CommandParser

from strategy.management.commands import load_content


class Command(load_content.Command):
    help = "Load the content pack 'verl' (the same as `load_content verl`)."

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, pack="verl", **options)
