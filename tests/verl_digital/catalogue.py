"""Checks of the translation catalogues against the source code.

`source_messages()` collects every marked string the way `make messages` does (Django's
makemessages, so templates and Python are read by the same xgettext machinery), but in a
copy of the sources, so the real locale/ is never touched. The other functions compare
catalogues and return readable descriptions of what is wrong; the tests assert that these
lists are empty, so a failure names every offending string.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent.parent
# The same folders `make messages` leaves out (MESSAGES_IGNORE in the Makefile); dot folders
# (.venv, .data, .git) are ignored by makemessages anyway. `locale` is created empty.
NOT_SOURCES = ("tests", "node_modules", "staticfiles", "media", "locale", ".*", "__pycache__")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\w+\}")

Key = tuple[str | None, str, str | None]


def key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


def describe(entry: polib.POEntry) -> str:
    text = repr(entry.msgid)
    if entry.msgctxt:
        text += f" (context {entry.msgctxt!r})"
    places = sorted({path for path, _line in entry.occurrences})
    return f"{text} in {', '.join(places)}" if places else text


def source_messages(workdir: Path, monkeypatch) -> polib.POFile:
    """Every translatable string of the project, as makemessages extracts it."""
    copy = workdir / "sources"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    # makemessages writes into the first locale folder it finds; only the copy's exists here.
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command(
            "makemessages",
            locale=["en"],
            add_location="file",
            keep_pot=True,
            verbosity=0,
        )
    return polib.pofile(str(copy / "locale" / "django.pot"))


def missing_translations(source: polib.POFile, catalogue: polib.POFile) -> list[str]:
    """Source strings that the catalogue lacks, leaves empty or marks fuzzy."""
    translated = {key(entry) for entry in catalogue.translated_entries()}
    return [describe(entry) for entry in source if entry.msgid and key(entry) not in translated]


def placeholder_mismatches(catalogue: polib.POFile) -> list[str]:
    """Translations whose %(name)s / {name} placeholders differ from the source's: such a
    string would raise or show the wrong value when the page is rendered."""
    wrong = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            # English has two forms: the singular's placeholders, then the plural's.
            forms = [entry.msgid, *[entry.msgid_plural] * (len(entry.msgstr_plural) - 1)]
            translations = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
            pairs = zip(forms, translations, strict=True)
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translation in pairs:
            if set(PLACEHOLDER.findall(translation)) != set(PLACEHOLDER.findall(source)):
                wrong.append(f"{describe(entry)}: {translation!r}")
    return wrong


def _compiled_form(entry: polib.POEntry) -> tuple[Key, tuple[str, ...]]:
    if entry.msgid_plural:
        return key(entry), tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return key(entry), (entry.msgstr,)


def stale_compilation(catalogue: polib.POFile, compiled: polib.MOFile) -> list[str]:
    """Differences between the .po file and its committed .mo file (the site reads the .mo)."""
    expected = dict(_compiled_form(entry) for entry in catalogue.translated_entries())
    actual = dict(_compiled_form(entry) for entry in compiled if entry.msgid)
    problems = []
    for entry_key, value in expected.items():
        if actual.get(entry_key) != value:
            problems.append(f"{entry_key[1]!r} is not compiled as in the .po file")
    problems += [
        f"{entry_key[1]!r} is compiled but not in the .po file"
        for entry_key in actual.keys() - expected.keys()
    ]
    return problems
