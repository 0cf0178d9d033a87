"""Reference numbers (`<REFERENCE_PREFIX>-<year>-<6 digits>`) for conversations and cases.

One counter row per year, counted up by a single `INSERT … ON CONFLICT DO UPDATE …
RETURNING`, so concurrent callers queue on the row lock and no number is handed out twice.
A comment's case draws from the same counter, so a number names one matter whatever the
channel.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection
from django.utils import timezone

from feedback.models import ReferenceCounter


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
    return f"{settings.REFERENCE_PREFIX}-{year}-{number:06d}"


def reference_pattern() -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(settings.REFERENCE_PREFIX)}-\d{{4}}-\d{{6,}}\b", re.I)
