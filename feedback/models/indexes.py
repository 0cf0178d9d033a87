"""Indexes more than one of the feedback app's models use."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.models import TextField
from django.db.models.functions import Cast, Upper


def trigram_indexes(prefix: str, fields: list[str]) -> list[GinIndex]:
    """Indexes for the admin's search: Django's `icontains` is UPPER(col::text) LIKE '%…%'."""
    return [
        GinIndex(
            OpClass(Upper(Cast(field, TextField())), name="gin_trgm_ops"),
            name=f"{prefix}_{field}_trgm_idx",
        )
        for field in fields
    ]
