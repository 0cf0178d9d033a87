"""The Verl content that `manage.py load_verl_content` puts into a fresh site.

The CDO page repeats the town's published text verbatim (see tests/data/cdo-page-de.txt);
the Datenschutzerklärung and the Erklärung zur Barrierefreiheit are written from the
settings (retention periods, limits, the CDO's address). Everything here is only a starting
point that editors change in the admin; `strategy.services.content_seed` writes it and never
overwrites their changes (`SeedRecord` checksums).

Demo content (`--demo`) comes from the sources registered with `register_demo_content`:
strategy's own (strategy/demo_content.py), then the feedback app's (feedback/demo_content.py).
Sources are called lazily while `content_seed` consumes the items, so a later source sees
what earlier ones created.
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

# The town's text of 2 April, verbatim: the CDO page's body and the first news post's.
ANNOUNCEMENT = (
    "Auch die Stadt Verl ist in all ihren Handlungsfeldern der Verwaltung von der hohen "
    "Dynamik, Vielfalt und Reichweite der digitalen Transformation betroffen und richtet "
    "sich entsprechend aus.\n\n"
    "Hierzu und als einen ersten Schritt in Richtung Digitalisierung, stellt Bürgermeister "
    "Michael Esken am 02. April den Digitalisierungsbeauftragten (CDO) der neu "
    "geschaffenen Stabstelle seinen Fachbereichsleitern vor.\n\n"
    "Die Verortung innerhalb der Verwaltungsstruktur schafft die notwendige Grundlage um "
    "den digitalen Wandel aus verwaltungsübergreifender Perspektive in der Stadt Verl "
    "voranzutreiben und zu begleiten."
)

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
                "body": ANNOUNCEMENT,
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
            {**PUBLISHED, "title": "Datenschutzerklärung", "position": 110, "body": _privacy()},
        ),
        SeedItem(
            Page,
            {"slug": Page.ACCESSIBILITY},
            {
                **PUBLISHED,
                "title": "Erklärung zur Barrierefreiheit",
                "position": 120,
                "body": _accessibility(),
            },
        ),
    ]


def _privacy() -> str:
    """The privacy policy as the site really works: what it stores, why, for how long.

    Numbers come from the settings, so the text states the periods the site applies. When
    the text changes, raise PRIVACY_POLICY_VERSION (stored with every consent).
    """
    months = settings.RETENTION_MONTHS
    days = settings.UNVERIFIED_ACCOUNT_DAYS
    mail_days = settings.TASK_RESULT_RETENTION_DAYS
    megabytes = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
    email = settings.CDO_EMAIL
    return f"""Diese Erklärung beschreibt, welche personenbezogenen Daten die Website der \
Stabsstelle Digitalisierung verarbeitet, wozu und wie lange. Sie beschreibt, was die Website \
tatsächlich speichert – nicht mehr und nicht weniger.

## Verantwortliche Stelle

Stadt Verl, Der Bürgermeister, Paradieskamp 1, 33415 Verl, \
E-Mail: [{email}](mailto:{email})

Die behördliche Datenschutzbeauftragte bzw. den behördlichen Datenschutzbeauftragten der \
Stadt Verl erreichen Sie unter derselben Anschrift mit dem Zusatz „Datenschutz“.

## Wenn Sie die Seiten lesen

- Wir setzen **keine Cookies**, solange Sie nur lesen, und **keine Werkzeuge zur \
Reichweitenmessung oder Nachverfolgung** (kein Tracking).
- Alle Schriften, Bilder und Dateien kommen von diesem Server. Es werden **keine Inhalte \
von Dritten** geladen; Ihr Browser nimmt beim Besuch keine Verbindung zu anderen Anbietern auf.
- Der Webserver protokolliert zu jedem Abruf nur Zeitpunkt, aufgerufene Seite (ohne \
Suchbegriffe), Statuscode, Größe und Dauer – **keine IP-Adresse**, keinen Browser, keine \
Herkunftsseite.
- **IP-Adressen werden nirgends gespeichert.** Um massenhafte Einsendungen abzuwehren, \
zählen wir Formulareinsendungen je Anschluss. Dafür bilden wir aus der IP-Adresse einen \
Prüfwert (Hash) mit einem Schlüssel, der täglich wechselt, und behalten nur diesen Prüfwert \
höchstens 24 Stunden im Zwischenspeicher.

## Cookies

- `csrftoken` – nur auf Seiten mit einem Formular (Kommentar, Kontakt, Anmeldung). Er \
schützt die Formulare vor untergeschobenen Einsendungen und wird beim Schließen des Browsers \
gelöscht. Er ist technisch notwendig (§ 25 Abs. 2 Nr. 2 TDDDG).
- `sessionid` – nur wenn Sie sich anmelden oder ein Konto eröffnen. Er hält Sie angemeldet \
und wird beim Abmelden gelöscht, spätestens nach zwei Wochen ungültig.
- `messages` – nur rund um Ihr Konto (z. B. nach dem An- oder Abmelden): Er trägt die \
Bestätigung („Sie sind angemeldet“) zur nächsten Seite und wird gelöscht, sobald sie \
angezeigt wurde.

Weitere Cookies gibt es nicht. Bestätigungen nach einem Kommentar, einer Meldung oder einer \
Nachricht („Ihr Kommentar ist eingegangen“) stehen in der Adresse der Seite, nicht in einem \
Cookie.

## Kommentare

Wenn Sie einen Kommentar schreiben, speichern wir: den Namen, den Sie angeben (er wird mit \
dem Kommentar veröffentlicht; ein Vorname oder Kürzel genügt), Ihren Text, den Zeitpunkt und \
– falls angegeben – Ihre E-Mail-Adresse. Die E-Mail-Adresse wird nie veröffentlicht; wir \
nutzen sie nur für Benachrichtigungen, die Sie ausdrücklich angefordert haben, und erst, \
nachdem Sie sie über einen Link bestätigt haben. Jede Benachrichtigung enthält einen Link \
zum Abbestellen. Wir speichern außerdem, welcher Fassung dieser Datenschutzerklärung Sie \
wann zugestimmt haben.

Jeder Kommentar wird vor der Veröffentlichung von der Moderation geprüft. Korrigiert die \
Moderation einen Text, bewahren wir die ursprüngliche Fassung auf. Was die Moderation tut, \
wird mit Grund protokolliert. Meldungen über Beiträge („Beitrag melden“) enthalten nur den \
Grund und eine freiwillige Erläuterung, keine Angaben zur meldenden Person.

Rechtsgrundlage ist Ihre Einwilligung (Art. 6 Abs. 1 Buchst. a DSGVO), die Sie jederzeit \
für die Zukunft widerrufen können.

**Speicherdauer:** Nach {months} Monaten entfernen wir Name, E-Mail-Adresse, \
Kontozuordnung und die ursprüngliche Fassung veröffentlichter Kommentare; der Text bleibt \
unter „anonym“ stehen. Nicht veröffentlichte Kommentare löschen wir nach {months} Monaten, \
erledigte Meldungen ebenso. Eine bestätigte E-Mail-Adresse löschen wir, wenn nach \
{months} Monaten kein Kommentar mehr auf sie verweist.

## Kontaktformular und E-Mail

Wenn Sie das [Kontaktformular](/kontakt/) nutzen, speichern wir Ihren Namen, Ihre \
E-Mail-Adresse, das Thema, den Betreff und Ihre Nachricht, dazu den Zeitpunkt und die \
Fassung der Datenschutzerklärung, der Sie zugestimmt haben. Sie erhalten eine \
Eingangsbestätigung mit einer Vorgangsnummer; sie nennt nur die Nummer, nicht Ihren Text.

Wenn Sie uns eine E-Mail schreiben, speichern wir Absender (Name und Adresse), Empfänger, \
Betreff, Text und die Kopfzeilen, die Antworten dem richtigen Vorgang zuordnen (Message-ID, \
In-Reply-To, References). Anhänge behalten wir, wenn sie PDF-Dateien, Bilder oder Textdateien \
bis {megabytes} MB sind; andere werden nicht gespeichert, nur ihr Dateiname wird vermerkt. \
Automatische Antworten (z. B. Abwesenheitsnotizen) werden nicht gespeichert.

Unsere Antworten und interne Bearbeitungsnotizen gehören zum Vorgang. Zugriff haben nur die \
Mitarbeiterinnen und Mitarbeiter, die Ihr Anliegen bearbeiten.

Rechtsgrundlage ist beim Kontaktformular Ihre Einwilligung (Art. 6 Abs. 1 Buchst. a DSGVO), \
bei E-Mails die Erfüllung unserer Aufgaben (Art. 6 Abs. 1 Buchst. e DSGVO).

**Speicherdauer:** Wir löschen einen Vorgang mit allen Nachrichten und Anhängen {months} \
Monate nach der letzten Nachricht.

## Benutzerkonto

Ein Konto ist freiwillig; es erspart die Sicherheitsabfrage. Wir speichern Ihre \
E-Mail-Adresse, den öffentlichen Namen, den Sie wählen, Ihr Passwort (nur als nicht \
umkehrbarer Hash), Zeitpunkte der Registrierung und der letzten Anmeldung sowie die Fassung \
der Datenschutzerklärung, der Sie zugestimmt haben. Rechtsgrundlage ist Ihre Einwilligung \
(Art. 6 Abs. 1 Buchst. a DSGVO).

Sie können Ihr Konto jederzeit unter [Konto löschen](/konto/loeschen/) selbst löschen; Ihre \
Kommentare bleiben dann unter „gelöschtes Konto“ stehen. Konten, deren E-Mail-Adresse nicht \
innerhalb von {days} Tagen bestätigt wurde, löschen wir automatisch.

## E-Mails, die wir versenden

Bestätigungen, Benachrichtigungen und Antworten versenden wir über den Mailserver der Stadt \
Verl. Eine Kopie jeder versandten E-Mail bleibt {mail_days} Tage in der Versandwarteschlange, \
damit Zustellprobleme nachvollzogen werden können, und wird dann gelöscht.

## Empfänger und Auftragsverarbeitung

Die Website und der Mailserver werden von der Stadt Verl bzw. ihrem kommunalen \
IT-Dienstleister als Auftragsverarbeiter (Art. 28 DSGVO) in Deutschland betrieben. Andere \
Empfänger gibt es nicht; wir übermitteln keine Daten in Drittländer und nutzen keine \
Dienste von Werbe- oder Analyseanbietern.

## Ihre Rechte

Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), Löschung \
(Art. 17), Einschränkung der Verarbeitung (Art. 18), Datenübertragbarkeit (Art. 20) und \
Widerspruch (Art. 21) sowie das Recht, eine Einwilligung jederzeit mit Wirkung für die \
Zukunft zu widerrufen (Art. 7 Abs. 3). Schreiben Sie uns dazu an \
[{email}](mailto:{email}) oder über das [Kontaktformular](/kontakt/). Wir stellen Ihnen \
alles, was wir zu Ihrer E-Mail-Adresse gespeichert haben, in einer Datei zusammen oder \
löschen es.

Sie können sich außerdem bei der Aufsichtsbehörde beschweren: Landesbeauftragte für \
Datenschutz und Informationsfreiheit Nordrhein-Westfalen, Kavalleriestraße 2–4, \
40213 Düsseldorf."""


def _accessibility() -> str:
    """The accessibility statement (BGG NRW / BITV NRW), with the feedback mechanism: the
    contact form with the topic "Barriere melden" chosen."""
    email = settings.CDO_EMAIL
    return f"""Die Stadt Verl ist bemüht, ihre Website im Einklang mit dem \
Behindertengleichstellungsgesetz Nordrhein-Westfalen (BGG NRW) und der \
Barrierefreie-Informationstechnik-Verordnung NRW (BITV NRW) barrierefrei zugänglich zu \
machen. Maßstab sind die BITV 2.0 und die Norm EN 301 549, also die Web Content \
Accessibility Guidelines (WCAG) 2.1 auf Stufe AA.

Diese Erklärung gilt für die Website der Stabsstelle Digitalisierung.

## Stand der Vereinbarkeit

Die Website ist nach unserer Selbstbewertung **weitgehend vereinbar** mit den \
Anforderungen. Eine Prüfung durch unabhängige Sachverständige steht noch aus.

So prüfen wir: Bei jeder Änderung der Software prüft ein automatischer Test jede Art von \
Seite (auch Formulare mit Fehlermeldungen) in einem echten Browser mit dem Prüfwerkzeug \
axe-core auf die Kriterien der WCAG 2.1 A und AA. Dieselben Tests bedienen das Kommentar- und \
das Kontaktformular allein mit der Tastatur und prüfen, dass der Fokus sichtbar ist und \
keine Seite bei 320 Pixel Breite oder 200 % Vergrößerung seitlich verschoben werden muss.

Das tun wir für die Barrierefreiheit:

- Alle Seiten funktionieren ohne JavaScript und vollständig mit der Tastatur; ein Link am \
Seitenanfang springt direkt zum Inhalt.
- Formulare haben sichtbare Beschriftungen. Fehler werden oben zusammengefasst, mit Links \
zu den betroffenen Feldern, und an jedem Feld genannt.
- Die Sicherheitsabfrage der Formulare ist eine kleine Rechenaufgabe in Textform (kein \
Bild), die auch Screenreader vorlesen. Mit einem Konto entfällt sie ganz.
- Farben haben ausreichenden Kontrast; Texte lassen sich vergrößern.

## Nicht barrierefreie Inhalte

- Informationen in Leichter Sprache und in Deutscher Gebärdensprache fehlen noch. Wir \
arbeiten daran.
- Anhänge und Dokumente, die nicht von der Stadt Verl stammen (z. B. verlinkte Seiten \
anderer Kommunen), können Barrieren enthalten.

## Barriere melden

Ist Ihnen eine Barriere aufgefallen, oder brauchen Sie einen Inhalt in einer anderen Form? \
Schreiben Sie uns über das [Kontaktformular (Thema „Barriere melden“)](/kontakt/?thema=barriere-melden) \
oder per E-Mail an [{email}](mailto:{email}). Wir antworten in der Regel innerhalb von zwei \
Wochen.

## Durchsetzungsverfahren

Wenn Sie auf Ihre Meldung innerhalb von sechs Wochen keine oder keine zufriedenstellende \
Antwort erhalten, können Sie sich an die Ombudsstelle für barrierefreie Informationstechnik \
des Landes Nordrhein-Westfalen wenden. Sie ist bei der bzw. dem Beauftragten der \
Landesregierung für Menschen mit Behinderung angesiedelt und vermittelt kostenlos.

Stand dieser Erklärung: November 2026."""


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
                "body": ANNOUNCEMENT,
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
