"""The Verl content that `manage.py load_verl_content` puts into a fresh site.

The CDO page repeats the town's published text verbatim (see tests/data/cdo-page-de.txt);
everything here is only a starting point that editors change in the admin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from strategy.models import NewsPost, Page, PublicationStatus, Section, Task


@dataclass(frozen=True)
class SeedItem:
    """One object to create: its model, the fields that identify it, and its content."""

    model: type
    lookup: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        natural = ",".join(f"{name}={value}" for name, value in sorted(self.lookup.items()))
        return f"{self.model._meta.label_lower}:{natural}"


PUBLISHED = {"status": PublicationStatus.PUBLISHED}

TASKS = [
    ("organisation", "Die Digitalisierung der Verwaltung als nachhaltigen Entwicklungsprozess zu organisieren"),
    ("strategie", "Entwicklung einer umfänglichen Digitalisierungsstrategie die zentrale Handlungsfelder benennt und konkrete Maßnahmen festsetzt"),
    ("vernetzung", "Vernetzung, Koordination bzw. Abstimmung mit allen beteiligten Akteuren, Dienstleistern, Wissensträgern, Initiativen und wissenschaftlichen Einrichtungen"),
    ("projekte", "Initiieren, Bündeln und Steuern von digitalen Projekten und Initiativen innerhalb der Verwaltung und anderen Lebensbereichen der Stadt"),
    ("dialog", "Konzeptionierung, Vorbereitung und Durchführung von Dialogangeboten für Bürger, Gesellschaft und Wirtschaft"),
    ("vertretung", "Vertretung der Stadt Verl in Arbeitsgruppen, Fachkonferenzen, Tagungen und Digitalisierungs-Netzwerken"),
    ("smart-city", "Einbeziehung sog. „Smart City“-Konzepte"),
    ("best-practice", "Prüfung von Digitalisierungsvorhaben anderer Städte/Kommunen und ggf. zur Übernahme vorstellen („BestPractice“)"),
    ("buergerbeteiligung", "Stärkung der Bürgerbeteiligung"),
]  # fmt: skip


def _home() -> list[SeedItem]:
    page = {"slug": Page.HOME}
    return [
        SeedItem(
            Page,
            page,
            {
                **PUBLISHED,
                "title": "Der Digitalisierungsbeauftragte (CDO) der Stadt Verl",
                "intro": "Die Stadt Verl hat eine Stabsstelle Digitalisierung geschaffen. "
                "Hier stellt sich der Digitalisierungsbeauftragte vor – und fragt nach Ihrer Meinung.",
                "body": (
                    "Auch die Stadt Verl ist in all ihren Handlungsfeldern der Verwaltung von der hohen "
                    "Dynamik, Vielfalt und Reichweite der digitalen Transformation betroffen und richtet "
                    "sich entsprechend aus.\n\n"
                    "Hierzu und als einen ersten Schritt in Richtung Digitalisierung, stellt Bürgermeister "
                    "Michael Esken am 02. April den Digitalisierungsbeauftragten (CDO) der neu "
                    "geschaffenen Stabstelle seinen Fachbereichsleitern vor.\n\n"
                    "Die Verortung innerhalb der Verwaltungsstruktur schafft die notwendige Grundlage um "
                    "den digitalen Wandel aus verwaltungsübergreifender Perspektive in der Stadt Verl "
                    "voranzutreiben und zu begleiten."
                ),
            },
        ),
        SeedItem(
            Section,
            {"page__slug": Page.HOME, "slug": "ziel"},
            {
                **PUBLISHED,
                "title": "Ziel ist es",
                "position": 10,
                "body": (
                    "die Digitalisierung zu nutzen und zu gestalten, sie in den Dienst der Verwaltung UND "
                    "der Gesellschaft zu stellen und damit zu einem sozialen und wirtschaftlichen "
                    "Fortschritt der ganzen Stadt beizutragen."
                ),
            },
        ),
        SeedItem(
            Section,
            {"page__slug": Page.HOME, "slug": "aufgaben"},
            {
                **PUBLISHED,
                "title": "Aufgaben",
                "position": 20,
                "includes_task_list": True,
                "body": "dieser zentralen Anlaufstelle, sowohl für Interne als auch für Externe, sind u.a.:",
            },
        ),
        SeedItem(
            Section,
            {"page__slug": Page.HOME, "slug": "ihre-meinung"},
            {
                **PUBLISHED,
                "title": "Ihre Meinung ist gefragt!",
                "position": 30,
                "body": (
                    "Gestalten Sie mit und unterstützen Sie uns die anstehenden digitalen Themen optimal "
                    "zu gestalten.  \n"
                    "Bitte geben Sie uns Feedback und teilen Sie uns Ihre Meinung, Erfahrung und "
                    "Sichtweise zum Thema mit!  \n"
                    "Hier auf dieser Seite als [Kommentar](#kommentare), über unser [Kontaktformular](/kontakt/) "
                    f"oder per [E-Mail](mailto:{settings.CDO_EMAIL})."
                ),
            },
        ),
    ]


def _tasks() -> list[SeedItem]:
    items = [
        SeedItem(
            Page,
            {"slug": Page.TASKS},
            {
                **PUBLISHED,
                "title": "Aufgaben des Digitalisierungsbeauftragten",
                "intro": "Was die Stabsstelle Digitalisierung der Stadt Verl für Verwaltung, "
                "Bürgerinnen und Bürger, Gesellschaft und Wirtschaft tut.",
                "body": (
                    "Der Digitalisierungsbeauftragte ist die zentrale Anlaufstelle für die "
                    "Digitalisierung in Verl, sowohl für Interne als auch für Externe. "
                    "Zu seinen Aufgaben gehören unter anderem:"
                ),
            },
        )
    ]
    items += [
        SeedItem(Task, {"slug": slug}, {**PUBLISHED, "title": title, "position": index * 10})
        for index, (slug, title) in enumerate(TASKS, start=1)
    ]
    return items


def _strategy() -> list[SeedItem]:
    return [
        SeedItem(
            Page,
            {"slug": Page.STRATEGY},
            {
                **PUBLISHED,
                "title": "Digitalisierungsstrategie der Stadt Verl",
                "intro": "Handlungsfelder und Maßnahmen, mit denen Verl die Digitalisierung gestaltet.",
                "body": (
                    "Der Digitalisierungsbeauftragte entwickelt eine umfassende "
                    "Digitalisierungsstrategie für die Stadt Verl. Sie benennt zentrale "
                    "Handlungsfelder und setzt konkrete Maßnahmen fest – für die Verwaltung und für "
                    "alle Lebensbereiche der Stadt.\n\n"
                    "Die Strategie entsteht im Dialog: mit den Fachbereichen der Verwaltung, mit "
                    "Bürgerinnen und Bürgern, mit Gesellschaft und Wirtschaft. Ihre Hinweise fließen "
                    "in die Handlungsfelder und Maßnahmen ein."
                ),
            },
        )
    ]


def _legal() -> list[SeedItem]:
    return [
        SeedItem(
            Page,
            {"slug": Page.IMPRINT},
            {
                **PUBLISHED,
                "title": "Impressum",
                "position": 100,
                "body": (
                    "**Herausgeberin**  \nStadt Verl  \nDer Bürgermeister  \nParadieskamp 1  \n"
                    "33415 Verl\n\n"
                    "Die Stadt Verl ist eine Körperschaft des öffentlichen Rechts. Sie wird durch den "
                    "Bürgermeister vertreten.\n\n"
                    f"**Kontakt zur Stabsstelle Digitalisierung**  \nE-Mail: "
                    f"[{settings.CDO_EMAIL}](mailto:{settings.CDO_EMAIL})\n\n"
                    "**Verantwortlich für den Inhalt** nach § 18 Abs. 2 MStV: der "
                    "Digitalisierungsbeauftragte der Stadt Verl, Anschrift wie oben."
                ),
            },
        ),
        SeedItem(
            Page,
            {"slug": Page.PRIVACY},
            {
                **PUBLISHED,
                "title": "Datenschutzerklärung",
                "position": 110,
                "body": (
                    "Diese Erklärung beschreibt, welche personenbezogenen Daten diese Website "
                    "verarbeitet.\n\n"
                    "## Verantwortliche Stelle\n\n"
                    "Stadt Verl, Der Bürgermeister, Paradieskamp 1, 33415 Verl.\n\n"
                    "## Besuch der Website\n\n"
                    "Beim Lesen der Seiten speichern wir keine personenbezogenen Daten und setzen "
                    "keine Cookies zur Nachverfolgung. Es werden keine Inhalte von Dritten geladen. "
                    "IP-Adressen werden nicht in der Datenbank gespeichert.\n\n"
                    "## Ihre Rechte\n\n"
                    "Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der "
                    "Verarbeitung und Widerspruch (Art. 15–21 DSGVO) sowie auf Beschwerde bei der "
                    "Landesbeauftragten für Datenschutz und Informationsfreiheit Nordrhein-Westfalen."
                ),
            },
        ),
        SeedItem(
            Page,
            {"slug": Page.ACCESSIBILITY},
            {
                **PUBLISHED,
                "title": "Erklärung zur Barrierefreiheit",
                "position": 120,
                "body": (
                    "Die Stadt Verl ist bemüht, ihre Website im Einklang mit der "
                    "Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich "
                    "zu machen.\n\n"
                    "## Stand der Vereinbarkeit\n\n"
                    "Diese Website soll die Anforderungen der WCAG 2.1 auf Stufe AA erfüllen. Sie "
                    "ist ohne JavaScript, mit Tastatur und mit Screenreadern bedienbar.\n\n"
                    "## Barriere melden\n\n"
                    "Sind Ihnen Barrieren aufgefallen? Schreiben Sie uns an "
                    f"[{settings.CDO_EMAIL}](mailto:{settings.CDO_EMAIL}).\n\n"
                    "## Durchsetzungsverfahren\n\n"
                    "Wenn Sie auf Ihre Meldung keine zufriedenstellende Antwort erhalten, können Sie "
                    "sich an die Ombudsstelle für barrierefreie Informationstechnik des Landes "
                    "Nordrhein-Westfalen wenden."
                ),
            },
        ),
    ]


def _news() -> list[SeedItem]:
    """The first news post: the announcement of the town's text, in its own sentences."""
    return [
        SeedItem(
            NewsPost,
            {"slug": "vorstellung-digitalisierungsbeauftragter"},
            {
                **PUBLISHED,
                "title": "Bürgermeister Michael Esken stellt den Digitalisierungsbeauftragten vor",
                "summary": "Als einen ersten Schritt in Richtung Digitalisierung stellt "
                "Bürgermeister Michael Esken am 02. April den Digitalisierungsbeauftragten (CDO) "
                "der neu geschaffenen Stabstelle seinen Fachbereichsleitern vor.",
                "publish_at": datetime(2026, 4, 2, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")),
                "body": (
                    "Auch die Stadt Verl ist in all ihren Handlungsfeldern der Verwaltung von der hohen "
                    "Dynamik, Vielfalt und Reichweite der digitalen Transformation betroffen und richtet "
                    "sich entsprechend aus.\n\n"
                    "Hierzu und als einen ersten Schritt in Richtung Digitalisierung, stellt Bürgermeister "
                    "Michael Esken am 02. April den Digitalisierungsbeauftragten (CDO) der neu "
                    "geschaffenen Stabstelle seinen Fachbereichsleitern vor.\n\n"
                    "Die Verortung innerhalb der Verwaltungsstruktur schafft die notwendige Grundlage um "
                    "den digitalen Wandel aus verwaltungsübergreifender Perspektive in der Stadt Verl "
                    "voranzutreiben und zu begleiten."
                ),
            },
        )
    ]


def verl_content() -> list[SeedItem]:
    """The base content, in creation order (pages before their sections)."""
    return [*_home(), *_tasks(), *_strategy(), *_legal(), *_news()]


# --- Demo content ---------------------------------------------------------------------------
# `load_verl_content --demo` adds the items of every registered source after the base content.
# The strategy app registers its demo set (strategy/demo_content.py); another app adds its
# own (e.g. demo comments) from its AppConfig.ready() with `register_demo_content(...)`.
# Sources run in registration order and lazily, while the items before them are being
# seeded: a later source (or a generator source, for its own later items) can look up the
# objects created before it, e.g. a measure by slug, or the comment an answer replies to.

_demo_sources: dict[str, Callable[[], Iterable[SeedItem]]] = {}


def register_demo_content(name: str, source: Callable[[], Iterable[SeedItem]]) -> None:
    """Add a source of demo SeedItems; registering a name again replaces its source."""
    _demo_sources[name] = source


def demo_content() -> Iterator[SeedItem]:
    """The SeedItems of every source, each source called only when its turn comes."""
    for source in list(_demo_sources.values()):
        yield from source()
