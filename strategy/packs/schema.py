"""The shape of a pack's tables: which keys a row may have, of which type, which are required.

`rows_check` walks a section's rows against its schema and raises `PackError` naming the
file, the row and the key, so a typo in a town's pack is found before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


class PackError(Exception):
    """A content pack that cannot be loaded; the message names the file and the key."""


@dataclass(frozen=True)
class Key:
    """One key of a row: its type(s), whether it must be there, and what it holds.

    `text`: a German or English text. It may instead be given as `<key>_file`, a path
    relative to the pack, and it is rendered through Django's template engine at load time.
    `rows`: the key holds a list of tables with this schema (e.g. an action field's measures).
    `file`: the value names a file in the pack (the coat of arms), which must exist.
    """

    kind: type | tuple[type, ...] = str
    required: bool = False
    text: bool = False
    file: bool = False
    rows: Mapping[str, Key] | None = None


def text(*, required: bool = False) -> Key:
    return Key(str, required=required, text=True)


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        int: "number",
        bool: "true/false",
        list: "list",
        date: "date",
        datetime: "date and time",
        dict: "table",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool):  # a bool is an int to Python, not to a pack
        return bool in kinds
    if isinstance(value, datetime):  # and a datetime a date
        return datetime in kinds
    return isinstance(value, kinds)


def rows_check(rows: Any, schema: Mapping[str, Key], *, where: str) -> None:
    """Raise PackError unless `rows` is a list of tables that fit `schema`."""
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise PackError(f"{where}: expected a list of tables ([[…]])")
    for number, row in enumerate(rows, start=1):
        row_check(row, schema, where=f"{where}, entry {number}")


def row_check(row: dict[str, Any], schema: Mapping[str, Key], *, where: str) -> None:
    for name, value in row.items():
        base = name.removesuffix("_file")
        key = schema.get(name)
        if key is None and name != base and base in schema and schema[base].text:
            if base in row:
                raise PackError(f"{where}: give either {base!r} or {name!r}, not both")
            if not isinstance(value, str):
                raise PackError(f"{where}, key {name!r}: expected a file name")
            continue
        if key is None:
            allowed = ", ".join(sorted(schema))
            raise PackError(f"{where}: unknown key {name!r} (allowed: {allowed})")
        if key.rows is not None:
            rows_check(value, key.rows, where=f"{where}, {name}")
            continue
        if not _is(value, key.kind):
            raise PackError(f"{where}, key {name!r}: expected {_type_name(key.kind)}")
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise PackError(f"{where}, key {name!r}: expected a list of texts")
    for name, key in schema.items():
        if key.required and name not in row and f"{name}_file" not in row:
            raise PackError(f"{where}: key {name!r} is missing")
