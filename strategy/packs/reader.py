"""Reading a pack from disk: the TOML files checked against the registered sections, and
its texts rendered (lazily, once the town profile they may name has been seeded)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError

from strategy.models import TownProfile
from strategy.packs.registry import PackSection, Rows, registered_sections
from strategy.packs.schema import Key, PackError, row_check, rows_check

PACKS_DIR = Path(__file__).resolve().parent.parent / "content_packs"
BASE_FILE, DEMO_FILE = "pack.toml", "demo.toml"
# The settings a pack's texts may name (`{{ settings.RETENTION_MONTHS }}`): the periods and
# limits the privacy policy states. Not all settings, so no text can print a secret.
TEXT_SETTINGS = (
    "RETENTION_MONTHS",
    "UNVERIFIED_ACCOUNT_DAYS",
    "TASK_RESULT_RETENTION_DAYS",
    "ATTACHMENT_MAX_BYTES",
    "PRIVACY_POLICY_VERSION",
)
_INVALID = "\x00missing:%s\x00"
_ENGINE = Engine(autoescape=False, string_if_invalid=_INVALID)
PACK_SCHEMA = {"name": Key(required=True), "description": Key()}


@dataclass
class Pack:
    """A pack as read: its directory and, per file, the sections' raw rows."""

    path: Path
    name: str
    description: str = ""
    base: dict[str, Any] = field(default_factory=dict)
    demo: dict[str, Any] = field(default_factory=dict)

    def file(self, name: str, *, where: str) -> Path:
        path = (self.path / name).resolve()
        if not path.is_relative_to(self.path.resolve()) or not path.is_file():
            raise PackError(f"{where}: file {name!r} not found in {self.path}")
        return path


def pack_path(source: str | Path) -> Path:
    """A pack's directory: a name under strategy/content_packs/, or a directory path."""
    named = PACKS_DIR / str(source)
    if isinstance(source, str) and "/" not in source and (named / BASE_FILE).is_file():
        return named
    path = Path(source)
    if (path / BASE_FILE).is_file():
        return path
    known = sorted(p.name for p in PACKS_DIR.iterdir() if (p / BASE_FILE).is_file())
    raise PackError(
        f"No content pack {str(source)!r}: give a pack name ({', '.join(known)}) or a directory "
        f"with a {BASE_FILE}."
    )


def _toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise PackError(f"{path}: {error}") from error


def _check(data: dict[str, Any], sections: list[PackSection], *, pack: Pack, file: str) -> None:
    known = {section.name: section for section in sections}
    for name, rows in data.items():
        where = f"{file} [{name}]"
        section = known.get(name)
        if section is None:
            allowed = ", ".join(sorted(known))
            raise PackError(f"{file}: unknown section [{name}] (allowed: {allowed})")
        if section.table:
            if not isinstance(rows, dict):
                raise PackError(f"{where}: expected one table ([{name}])")
            row_check(rows, section.schema, where=where)
            rows = [rows]
        else:
            rows_check(rows, section.schema, where=where)
        _check_files(rows, section.schema, pack=pack, where=where)


def _check_files(rows: Rows, schema: dict[str, Key], *, pack: Pack, where: str) -> None:
    for number, row in enumerate(rows, start=1):
        for name, value in row.items():
            key = schema.get(name)
            if key is None or key.file:  # `<text>_file`, or a file such as the coat of arms
                pack.file(value, where=f"{where}, entry {number}")
            elif key.rows is not None:
                _check_files(value, key.rows, pack=pack, where=f"{where}, entry {number}")


def pack_read(source: str | Path) -> Pack:
    """Read and check a pack (its name or directory); raise PackError on the first fault."""
    path = pack_path(source)
    base = _toml(path / BASE_FILE)
    meta = base.pop("pack", None)
    if not isinstance(meta, dict):
        raise PackError(f"{BASE_FILE}: the table [pack] (name, description) is missing")
    row_check(meta, PACK_SCHEMA, where=f"{BASE_FILE} [pack]")
    demo_path = path / DEMO_FILE
    demo = _toml(demo_path) if demo_path.is_file() else {}
    pack = Pack(path, meta["name"], meta.get("description", ""), base, demo)
    _check(base, registered_sections(demo=False), pack=pack, file=BASE_FILE)
    _check(demo, registered_sections(demo=True), pack=pack, file=DEMO_FILE)
    return pack


def _context() -> Context:
    return Context(
        {
            # The record itself, not town_profile()'s per-process copy: the [town] section
            # may have just changed it, in this very transaction.
            "town": TownProfile.get_solo(),
            "settings": {name: getattr(settings, name) for name in TEXT_SETTINGS},
            "attachment_max_megabytes": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        },
        autoescape=False,
    )


def _render(text: str, *, context: Context | None, where: str) -> str:
    try:
        rendered = _ENGINE.from_string(text).render(context)
    except TemplateSyntaxError as error:
        raise PackError(f"{where}: {error}") from error
    if "\x00missing:" in rendered:
        name = rendered.split("\x00missing:", 1)[1].split("\x00", 1)[0]
        raise PackError(f"{where}: unknown placeholder {name!r}")
    return rendered


def rows_render(
    rows: Rows, schema: dict[str, Key], *, pack: Pack, where: str, context: Context | None = None
) -> Rows:
    """The rows with every text read from its file and rendered."""
    if context is None and any(key.text or key.rows for key in schema.values()):
        context = _context()  # once per section; not for [town], which sets the profile
    rendered = []
    for number, row in enumerate(rows, start=1):
        here = f"{where}, entry {number}"
        out: dict[str, Any] = {}
        for name, value in row.items():
            base = name.removesuffix("_file")
            key = schema.get(name)
            if key is None:  # `<text>_file`: checked by _check
                text = pack.file(value, where=here).read_text(encoding="utf-8")
                out[base] = _render(text, context=context, where=f"{here}, file {value!r}")
                out[base] = out[base].strip("\n")
            elif key.rows is not None:
                out[name] = rows_render(
                    value, key.rows, pack=pack, where=f"{here}, {name}", context=context
                )
            elif key.text:
                out[name] = _render(value, context=context, where=f"{here}, key {name!r}")
            else:
                out[name] = value
        rendered.append(out)
    return rendered
