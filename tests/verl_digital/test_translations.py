"""The catalogues are complete: every UI string has its English, and the .mo files the site
reads match the .po files. To fix a failure: `make messages`, translate the entries named
in the message (empty or fuzzy in locale/en/LC_MESSAGES/django.po), `make messages` again."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from tests.verl_digital.catalogue import (
    ROOT,
    missing_translations,
    placeholder_mismatches,
    source_messages,
    stale_compilation,
)

LOCALE = ROOT / "locale"
HOW_TO_FIX = "Run `make messages`, translate these in locale/en/LC_MESSAGES/django.po, run it again"


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def compiled(language: str) -> polib.MOFile:
    return polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> polib.POFile:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return source_messages(tmp_path_factory.mktemp("messages"), monkeypatch)


def test_every_ui_string_has_an_english_translation(sources):
    assert len(sources) > 500  # the extraction really read templates and Python
    missing = missing_translations(sources, catalogue("en"))
    assert missing == [], f"{HOW_TO_FIX}:\n" + "\n".join(missing)


def test_the_extraction_finds_template_python_plural_and_context_strings(sources):
    found = {(entry.msgctxt, entry.msgid): entry for entry in sources}
    assert (None, "Zum Inhalt springen") in found  # templates/base.html
    assert (None, "Bitte geben Sie einen Namen an.") in found  # feedback/forms.py
    assert found[(None, "%(number)s Kommentar")].msgid_plural == "%(number)s Kommentare"
    assert ("Liste der Antworten auf einen Kommentar", "Antworten") in found


def test_translations_keep_the_placeholders():
    wrong = placeholder_mismatches(catalogue("en"))
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_committed_mo_files_match_the_po_files(language):
    stale = stale_compilation(catalogue(language), compiled(language))
    assert stale == [], "Run `make messages` and commit the .mo file:\n" + "\n".join(stale)


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_catalogue_compiles_with_msgfmt_checks(language, tmp_path):
    # `make messages` compiles with these checks; a placeholder left out of a translation
    # stops it (the German allauth text "Ihre E-Mail-Adresse" drops a name on purpose).
    msgfmt = shutil.which("msgfmt")
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    command = [msgfmt, "--check-format", "-o", str(tmp_path / "out.mo"), str(po)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr


def test_the_german_catalogue_only_overrides_other_packages():
    # German is the source language; locale/de exists for allauth's formal "Sie". If
    # makemessages ever ran for de, those entries would have turned obsolete (unused).
    german = catalogue("de")
    assert german.obsolete_entries() == []
    assert {entry.msgid for entry in german} >= {"Please type your current password."}


# --- The checks themselves fail when they should ------------------------------------------


def po_file(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    for entry in entries:
        po.append(entry)
    return po


def test_a_new_string_without_translation_is_named():
    source = po_file(
        polib.POEntry(msgid="Zum Inhalt springen", occurrences=[("templates/base.html", "")]),
        polib.POEntry(msgid="Neuer Knopf", occurrences=[("templates/neu.html", "")]),
    )
    english = po_file(polib.POEntry(msgid="Zum Inhalt springen", msgstr="Skip to content"))
    assert missing_translations(source, english) == ["'Neuer Knopf' in templates/neu.html"]


def test_empty_fuzzy_and_half_translated_plural_strings_count_as_missing():
    source = po_file(
        polib.POEntry(msgid="Leer"),
        polib.POEntry(msgid="Unscharf"),
        polib.POEntry(msgid="%(n)s Eintrag", msgid_plural="%(n)s Einträge"),
        polib.POEntry(msgid="Antworten", msgctxt="Liste"),
    )
    english = po_file(
        polib.POEntry(msgid="Leer", msgstr=""),
        polib.POEntry(msgid="Unscharf", msgstr="Blurred", flags=["fuzzy"]),
        polib.POEntry(
            msgid="%(n)s Eintrag",
            msgid_plural="%(n)s Einträge",
            msgstr_plural={0: "%(n)s entry", 1: ""},
        ),
        polib.POEntry(msgid="Antworten", msgstr="Reply"),  # without the context
    )
    assert missing_translations(source, english) == [
        "'Leer'",
        "'Unscharf'",
        "'%(n)s Eintrag'",
        "'Antworten' (context 'Liste')",
    ]


def test_a_broken_placeholder_is_named():
    english = po_file(
        polib.POEntry(msgid="Seite %(number)s", msgstr="Page %(nummer)s"),
        polib.POEntry(msgid="%(count)d Meldungen", msgstr="%(count)d reports"),
    )
    assert placeholder_mismatches(english) == ["'Seite %(number)s': 'Page %(nummer)s'"]


def test_a_stale_mo_file_is_named(tmp_path: Path):
    po = po_file(polib.POEntry(msgid="Suche", msgstr="Search"))
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.save_as_mofile(str(tmp_path / "django.mo"))
    assert stale_compilation(po, polib.mofile(str(tmp_path / "django.mo"))) == []
    po[0].msgstr = "Find"
    po.append(polib.POEntry(msgid="Neu", msgstr="New"))
    assert stale_compilation(po, polib.mofile(str(tmp_path / "django.mo"))) == [
        "'Suche' is not compiled as in the .po file",
        "'Neu' is not compiled as in the .po file",
    ]
