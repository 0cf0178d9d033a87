"""Verl's text in Leichte Sprache keeps the rules of the Netzwerk Leichte Sprache that a
machine can check: short sentences, no abbreviations, no passive, "Sie", headings, lists,
the hard words explained, and everything BITV 2.0 asks the explanation to cover.

What a machine cannot check (one statement per sentence, plain words, the right pictures)
needs a reader: the Netzwerk recommends a check by people with learning difficulties.
"""

import re
from pathlib import Path

import pytest

from strategy.markdown import render_markdown

TEXT_PATH = (
    Path(__file__).resolve().parents[2] / "strategy/content_packs/verl/pages/leichte-sprache.md"
)


@pytest.fixture(scope="module")
def text() -> str:
    return TEXT_PATH.read_text(encoding="utf-8")


def plain_lines(markdown: str) -> list[str]:
    """The text as a reader sees it, line by line: no link targets, marks or list numbers."""
    lines = []
    for line in markdown.splitlines():
        line = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line)
        line = re.sub(r"^\s*(#+|-|\d+\.)\s+", "", line).replace("**", "").strip()
        if line:
            lines.append(line)
    return lines


def sentences(markdown: str) -> list[str]:
    """Sentences end at . ? ! or : (Leichte Sprache starts a new line after a colon), and at
    the end of a line, where a heading or list item ends without a full stop."""
    found = []
    for line in plain_lines(markdown):
        found += [part for part in re.split(r"(?<=[.?!:])\s+", line) if part.strip()]
    return found


def words(sentence: str) -> list[str]:
    return re.findall(r"[\wÄÖÜäöüß@-]+", sentence)


def test_sentences_are_short(text):
    lengths = [len(words(sentence)) for sentence in sentences(text)]
    longest = max(sentences(text), key=lambda sentence: len(words(sentence)))
    assert sum(lengths) / len(lengths) <= 7, "average words per sentence"
    assert max(lengths) <= 12, longest


ABBREVIATION = r"\b(z\.\s?B|bzw|u\.\s?a|ggf|usw|d\.\s?h|evtl|ca|etc|vgl|inkl|Nr|Tel|Str)\."
WERDEN = r"\b(werde|wirst|wird|werden|werdet|wurde|wurden|worden)\b"
PARTICIPLE = r"\b(ge\w+(t|en)|\w+iert|ver\w+t|be\w+t|er\w+t)\b"


def passive(markdown: str) -> list[str]:
    """Sentences with a form of "werden" and a past participle ("wird geprüft", "werden
    veröffentlicht", "wurde informiert"): the passive Leichte Sprache avoids. A heuristic:
    it also flags the future with such a verb, which the text avoids as well."""
    return [
        sentence
        for sentence in sentences(markdown)
        if re.search(WERDEN, sentence, re.IGNORECASE) and re.search(PARTICIPLE, sentence)
    ]


def test_the_checks_catch_what_they_look_for():
    sample = "Ihr Kommentar wird zuerst geprüft.\nDas ist z. B. bzw. ggf. gut.\nEr wird informiert."
    assert passive(sample) == ["Ihr Kommentar wird zuerst geprüft.", "Er wird informiert."]
    assert len(re.findall(ABBREVIATION, sample)) == 3
    assert passive("Wir prüfen Ihren Kommentar.\nSie werden bald Videos sehen.") == []


def test_no_abbreviations(text):
    assert re.findall(ABBREVIATION, text) == []


def test_no_passive(text):
    assert passive(text) == []


def test_the_reader_is_addressed_as_sie(text):
    assert len(re.findall(r"\bSie\b", text)) >= 20
    assert re.findall(r"\b(du|dich|dir|dein\w*)\b", text, re.IGNORECASE) == []


def test_hard_words_are_explained(text):
    """Each hard word is set in bold where it is explained: in its own line or the next, a
    sentence says what it is, means or does ("Eine **Barriere** ist ein Hindernis.")."""
    for word in ("Digitalisierung", "Digitalisierungs-Beauftragte", "Barriere", "Barriere-frei",
                 "Moderation", "Datenschutz", "Menü", "Link", "Kommentar", "Sicherheits-Frage",
                 "Kontakt-Formular", "Ombuds-Stelle"):  # fmt: skip
        verb = r"\b(ist|bedeutet|heißt|arbeitet|hilft)\b"
        explained = rf"\*\*{word}\*\*[^\n]*(\n[^\n]*)?{verb}|nennt man: \*\*{word}\*\*"
        assert re.search(explained, text), word


def test_it_covers_what_bitv_asks_and_how_to_reach_the_cdo(text):
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    for topic in ("Was ist diese Internet-Seite", "Menü", "Suche", "Kommentar", "Nachricht",
                  "Barriere-Freiheit", "erreichen Sie"):  # fmt: skip
        assert any(topic in heading for heading in headings), topic
    for fact in ("Moderation", "Sicherheits-Frage", "Barriere melden", "Ombudsstelle für",
                 "digitalisierung@verl.de", "Paradieskamp 1", "33415 Verl"):  # fmt: skip
        assert fact in text, fact


def test_it_renders_with_headings_lists_and_line_breaks(text):
    html = render_markdown(text)
    assert html.count("<h2>") >= 7
    assert "<ol>" in html
    assert "<ul>" in html
    assert html.count("<br>") >= 50
    assert "**" not in html
