"""The history of content as editors read it (the admin's history view, simple-history).

Each change names the field and shows the old and the new value the way the admin shows
them elsewhere: times in the site's time zone to the minute, choices by their label, yes
and no, "–" for nothing. A change that reads the same on both sides (a time that differs
only in seconds or microseconds) is not listed. Long texts are shown whole, as a word diff:
removed words in `<del>`, added words in `<ins>`, everything escaped first.

Line endings: a browser sends a textarea's lines with "\\r\\n". `strategy.base.text_normalize`
turns them into "\\n" when content is cleaned (`Publishable.clean`, `MeasureUpdate.clean`), so
a save through the admin, or a revert to an older version, stores the text exactly as it was.
`publish_at` defaults to the minute (`strategy.base.now_to_the_minute`), as the form sends it.
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.template_utils import HistoricalRecordContextHelper

# Strings longer than this (or with a line break) are shown as a word diff.
DIFF_FROM_CHARS = 80
NOTHING = "–"
_TOKENS = re.compile(r"\s+|[^\s]+")


def value_display(field: models.Field, value: Any) -> str:
    """A field's value as the admin would show it."""
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nein")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def word_diff(old: str, new: str) -> SafeString:
    """`new` with the words taken out of `old` in <del> and the words put in in <ins>."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(before[i1:i2]), "".join(after[j1:j2])
        if operation == "equal":
            parts.append(escape(added))
            continue
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(parts))  # noqa: S308  (every part escaped above)


def is_long_text(field: models.Field, old: Any, new: Any) -> bool:
    if not (isinstance(old, str) and isinstance(new, str)):
        return False
    return isinstance(field, models.TextField) or any(
        len(text) > DIFF_FROM_CHARS or "\n" in text for text in (old, new)
    )


class ReadableHistory(HistoricalRecordContextHelper):
    """What `history_delta_changes` holds for each entry: field, old, new and the diff."""

    def context_for_delta_changes(self, delta: Any) -> list[dict[str, Any]]:
        changes = []
        for change in delta.changes:
            field = self.model._meta.get_field(change.field)
            old = self.prepare_delta_change_value(change, change.old)
            new = self.prepare_delta_change_value(change, change.new)
            old_text, new_text = value_display(field, old), value_display(field, new)
            if old_text == new_text:
                continue
            changes.append(
                {
                    "field": capfirst(field.verbose_name),
                    "old": old_text,
                    "new": new_text,
                    "diff": word_diff(old, new) if is_long_text(field, old, new) else None,
                }
            )
        return changes
