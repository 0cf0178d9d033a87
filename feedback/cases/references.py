"""Reference numbers (`<prefix>-<year>-<6 digits>`) for conversations and cases.

The prefix is the town profile's `reference_prefix`, read when a number is handed out; the
number is stored whole, so a changed prefix leaves earlier numbers as they were, and
`reference_pattern` still finds them in a reply's subject (any prefix of the profile's
shape: the lookup is by the exact stored number).

One counter row per year, counted up by a single `INSERT … ON CONFLICT DO UPDATE …
RETURNING`, so concurrent callers queue on the row lock and no number is handed out twice.
A comment's case draws from the same counter, so a number names one matter whatever the
channel.
"""

from __future__ import annotations

import re

from django.db import connection
from django.utils import timezone

from feedback.models import ReferenceCounter
from strategy.models.town import REFERENCE_PREFIX
from strategy.town import town_profile

# What a reference looks like whatever prefix was current when it was handed out.
_ANY_REFERENCE = re.compile(
    rf"\b{REFERENCE_PREFIX.regex.pattern.strip('^$')}-\d{{4}}-\d{{6,}}\b", re.I
)


def reference_allocate() -> str:
    """The next reference number, e.g. VERL-2026-000123; unique even under concurrency.

    One upsert on the year's counter row: concurrent callers queue on its row lock, and a
    caller whose transaction rolls back gives its number back.
    """
    year = timezone.localdate().year
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [year],
        )
        number = cursor.fetchone()[0]
    return f"{reference_prefix()}-{year}-{number:06d}"


def reference_prefix() -> str:
    """The prefix new numbers get (the town profile's)."""
    return town_profile().reference_prefix


def reference_pattern() -> re.Pattern[str]:
    """Reference numbers in a text, under the current prefix or any earlier one."""
    return _ANY_REFERENCE
