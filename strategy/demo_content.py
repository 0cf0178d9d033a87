"""The demo set of `load_verl_content --demo`: realistic, but invented, strategy content.

Every item has `is_demo=True`, so the site marks it "Beispiel" for citizens and editors can
filter and delete it in the admin before going live. Dates are fixed (not relative to
today), so loading twice changes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from strategy.models import (
    ActionField,
    BestPractice,
    Event,
    Measure,
    MeasureStatus,
    MeasureUpdate,
    Network,
    NetworkKind,
    NewsPost,
    Project,
    ProjectStatus,
    PublicationStatus,
    ReviewStatus,
)
from strategy.verl_content import SeedItem

DEMO = {"status": PublicationStatus.PUBLISHED, "is_demo": True}
PLANNED, IN_PROGRESS, DONE, DEFERRED = (
    MeasureStatus.PLANNED,
    MeasureStatus.IN_PROGRESS,
    MeasureStatus.DONE,
    MeasureStatus.DEFERRED,
)

# slug, title, summary, [(slug, title, summary, status, department, target date)]
ACTION_FIELDS = [
    (
        "digitale-verwaltung",
        "Digitale Verwaltung",
        "Verwaltungsleistungen online anbieten und die internen Abläufe durchgängig digital gestalten.",
        [
            (
                "e-akte",
                "Einführung der E-Akte",
                "Alle Fachbereiche arbeiten mit der elektronischen Akte statt mit Papierakten.",
                IN_PROGRESS,
                "Fachbereich Zentrale Dienste",
                date(2027, 6, 30),
            ),
            (
                "ozg-leistungen",
                "Onlinedienste nach dem Onlinezugangsgesetz",
                "Die 50 meistgenutzten Verwaltungsleistungen sind vollständig online beantragbar.",
                IN_PROGRESS,
                "Stabsstelle Digitalisierung",
                date(2026, 12, 31),
            ),
            (
                "online-terminvergabe",
                "Online-Terminvergabe im Bürgerbüro",
                "Termine im Bürgerbüro lassen sich rund um die Uhr online buchen.",
                DONE,
                "Fachbereich Bürgerservice",
                date(2026, 3, 31),
            ),
            (
                "e-rechnung",
                "Elektronische Rechnungsverarbeitung",
                "Eingangsrechnungen werden digital geprüft, freigegeben und gebucht.",
                PLANNED,
                "Fachbereich Finanzen",
                date(2027, 3, 31),
            ),
            (
                "digitale-ratsarbeit",
                "Papierlose Ratsarbeit",
                "Rat und Ausschüsse erhalten Sitzungsunterlagen digital auf Tablets.",
                DONE,
                "Büro des Bürgermeisters",
                date(2026, 6, 30),
            ),
        ],
    ),
    (
        "buergerbeteiligung",
        "Bürgerbeteiligung und Dialog",
        "Bürgerinnen und Bürger früh und einfach an Entscheidungen zur Digitalisierung beteiligen.",
        [
            (
                "beteiligungsplattform",
                "Online-Beteiligungsplattform",
                "Eine Plattform für Umfragen, Ideen und Stellungnahmen zu städtischen Vorhaben.",
                PLANNED,
                "Stabsstelle Digitalisierung",
                date(2027, 9, 30),
            ),
            (
                "digitalsprechstunde",
                "Digitalsprechstunde im Rathaus",
                "Eine monatliche offene Sprechstunde rund um digitale Angebote der Stadt.",
                IN_PROGRESS,
                "Stabsstelle Digitalisierung",
                None,
            ),
            (
                "maengelmelder",
                "Mängelmelder für Verl",
                "Schäden an Straßen, Wegen und Spielplätzen online mit Foto und Ort melden.",
                PLANNED,
                "Fachbereich Bauen und Umwelt",
                date(2027, 4, 30),
            ),
            (
                "ratsinfo-offen",
                "Offenes Ratsinformationssystem",
                "Vorlagen, Beschlüsse und Termine des Rates barrierefrei und durchsuchbar.",
                DONE,
                "Büro des Bürgermeisters",
                date(2026, 5, 31),
            ),
            (
                "jugend-digital",
                "Jugendforum Digitales Verl",
                "Jugendliche gestalten digitale Angebote ihrer Stadt mit.",
                DEFERRED,
                "Fachbereich Jugend, Familie und Soziales",
                None,
            ),
        ],
    ),
    (
        "bildung",
        "Bildung und digitale Kompetenz",
        "Schulen gut ausstatten und digitale Kompetenzen in allen Altersgruppen stärken.",
        [
            (
                "schul-wlan",
                "WLAN in allen Schulen",
                "Alle Klassenräume der städtischen Schulen haben leistungsfähiges WLAN.",
                DONE,
                "Fachbereich Schule und Sport",
                date(2026, 8, 31),
            ),
            (
                "medienentwicklungsplan",
                "Medienentwicklungsplan fortschreiben",
                "Ausstattung, Support und Fortbildung der Schulen werden gemeinsam geplant.",
                IN_PROGRESS,
                "Fachbereich Schule und Sport",
                date(2027, 1, 31),
            ),
            (
                "digitalpaten",
                "Digitalpatinnen und Digitalpaten für Ältere",
                "Ehrenamtliche helfen älteren Menschen beim Umgang mit Smartphone und Internet.",
                IN_PROGRESS,
                "Fachbereich Jugend, Familie und Soziales",
                None,
            ),
            (
                "bibliothek-makerspace",
                "Makerspace in der Stadtbibliothek",
                "3D-Drucker, Lötstation und Programmierkurse für alle Generationen.",
                PLANNED,
                "Stadtbibliothek",
                date(2027, 10, 31),
            ),
            (
                "fortbildung-verwaltung",
                "Digitale Fortbildung für Beschäftigte",
                "Ein Fortbildungsprogramm für digitale Arbeitsweisen in der Verwaltung.",
                IN_PROGRESS,
                "Fachbereich Personal",
                date(2027, 12, 31),
            ),
        ],
    ),
    (
        "smart-city",
        "Smart City und Infrastruktur",
        "Daten und vernetzte Technik nutzen, um Verl lebenswerter und nachhaltiger zu machen.",
        [
            (
                "glasfaser",
                "Glasfaser für alle Ortsteile",
                "Der geförderte Glasfaserausbau erreicht auch die Außenbereiche.",
                IN_PROGRESS,
                "Fachbereich Wirtschaftsförderung",
                date(2027, 12, 31),
            ),
            (
                "lorawan",
                "LoRaWAN-Funknetz",
                "Ein stadtweites Funknetz für Sensoren, etwa für Pegelstände und Bodenfeuchte.",
                PLANNED,
                "Stabsstelle Digitalisierung",
                date(2027, 6, 30),
            ),
            (
                "intelligente-beleuchtung",
                "Intelligente Straßenbeleuchtung",
                "LED-Leuchten, die sich nach Bedarf dimmen, sparen Strom.",
                DEFERRED,
                "Fachbereich Bauen und Umwelt",
                None,
            ),
            (
                "oeffentliches-wlan",
                "Freies WLAN in der Innenstadt",
                "Kostenloses WLAN an zentralen Plätzen und im Rathaus.",
                DONE,
                "Stabsstelle Digitalisierung",
                date(2026, 4, 30),
            ),
            (
                "parkleitsystem",
                "Digitale Parkinformation",
                "Freie Parkplätze in der Innenstadt werden in Echtzeit angezeigt.",
                PLANNED,
                "Fachbereich Bauen und Umwelt",
                date(2028, 3, 31),
            ),
        ],
    ),
    (
        "wirtschaft",
        "Wirtschaft und Arbeit",
        "Unternehmen, Handel und Handwerk in Verl bei der Digitalisierung unterstützen.",
        [
            (
                "digitalberatung",
                "Digitalberatung für kleine Unternehmen",
                "Eine erste kostenlose Beratung zu Digitalisierung und Fördermitteln.",
                IN_PROGRESS,
                "Fachbereich Wirtschaftsförderung",
                None,
            ),
            (
                "lokaler-onlinemarkt",
                "Lokaler Online-Marktplatz",
                "Verler Geschäfte zeigen ihr Angebot gemeinsam im Netz.",
                DEFERRED,
                "Fachbereich Wirtschaftsförderung",
                None,
            ),
            (
                "gewerbeanmeldung-online",
                "Gewerbeanmeldung online",
                "Gewerbe an-, um- und abmelden ohne Gang ins Rathaus.",
                DONE,
                "Fachbereich Bürgerservice",
                date(2026, 2, 28),
            ),
            (
                "coworking",
                "Coworking-Angebot prüfen",
                "Ein gemeinschaftlicher Arbeitsort für Selbstständige und Pendelnde.",
                PLANNED,
                "Fachbereich Wirtschaftsförderung",
                date(2027, 6, 30),
            ),
            (
                "fachkraefte-digital",
                "Digitale Ausbildungsbörse",
                "Betriebe und Schulabgänger finden online zueinander.",
                PLANNED,
                "Fachbereich Wirtschaftsförderung",
                date(2027, 2, 28),
            ),
        ],
    ),
    (
        "it-sicherheit",
        "IT-Sicherheit und Datenschutz",
        "Daten der Bürgerinnen und Bürger schützen und die Verwaltung gegen Angriffe wappnen.",
        [
            (
                "isms",
                "Informationssicherheits-Managementsystem",
                "Ein ISMS nach BSI-Grundschutz für die gesamte Verwaltung.",
                IN_PROGRESS,
                "Fachbereich Zentrale Dienste",
                date(2027, 12, 31),
            ),
            (
                "notfallplan-it",
                "IT-Notfallplan",
                "Abläufe für den Ausfall zentraler IT-Systeme werden geplant und geübt.",
                PLANNED,
                "Fachbereich Zentrale Dienste",
                date(2027, 3, 31),
            ),
            (
                "awareness",
                "Schulungen zu Phishing und sicheren Passwörtern",
                "Alle Beschäftigten nehmen jährlich an einer Sicherheitsschulung teil.",
                DONE,
                "Fachbereich Personal",
                date(2026, 9, 30),
            ),
            (
                "datensparsamkeit",
                "Datensparsame Onlinedienste",
                "Onlinedienste erheben nur die Daten, die für die Leistung nötig sind.",
                IN_PROGRESS,
                "Datenschutzbeauftragte",
                None,
            ),
            (
                "open-source",
                "Open Source prüfen",
                "Bei neuen Fachverfahren werden quelloffene Lösungen gleichwertig geprüft.",
                PLANNED,
                "Stabsstelle Digitalisierung",
                date(2027, 12, 31),
            ),
        ],
    ),
]

MEASURE_UPDATES = [
    (
        "e-akte",
        date(2026, 9, 15),
        "Der Fachbereich Bürgerservice arbeitet seit September vollständig mit der E-Akte. Als Nächstes folgen Finanzen und Personal.",
    ),
    (
        "e-akte",
        date(2026, 5, 4),
        "Das Produkt ist ausgewählt, die Schulungen für die ersten Fachbereiche haben begonnen.",
    ),
    (
        "ozg-leistungen",
        date(2026, 10, 1),
        "32 der 50 Leistungen sind online; neu dabei sind Anwohnerparkausweis und Hundesteuer-Anmeldung.",
    ),
    (
        "online-terminvergabe",
        date(2026, 3, 30),
        "Die Online-Terminvergabe ist gestartet. In den ersten Wochen wurden über 600 Termine online gebucht.",
    ),
    (
        "digitale-ratsarbeit",
        date(2026, 7, 1),
        "Seit der Sommerpause tagen Rat und Ausschüsse papierlos.",
    ),
    (
        "digitalsprechstunde",
        date(2026, 6, 10),
        "Die erste Digitalsprechstunde war gut besucht; die häufigsten Fragen betrafen das Bürgerkonto.",
    ),
    (
        "schul-wlan",
        date(2026, 8, 20),
        "Zum Schuljahresbeginn sind alle Klassenräume mit WLAN versorgt.",
    ),
    (
        "glasfaser",
        date(2026, 7, 20),
        "Der Ausbau in den Außenbereichen von Sürenheide und Kaunitz hat begonnen.",
    ),
    (
        "oeffentliches-wlan",
        date(2026, 4, 28),
        "Das freie WLAN am Rathaus und auf dem Kirchplatz ist in Betrieb.",
    ),
    (
        "awareness",
        date(2026, 9, 29),
        "Alle Beschäftigten haben die Schulung abgeschlossen; eine Phishing-Übung folgt.",
    ),
    (
        "isms",
        date(2026, 11, 2),
        "Die Strukturanalyse ist abgeschlossen, die Schutzbedarfsfeststellung läuft.",
    ),
    (
        "jugend-digital",
        date(2026, 6, 1),
        "Das Jugendforum wird zurückgestellt, bis das neue Jugendzentrum eröffnet ist.",
    ),
]

# slug, title, summary, status, smart city, partners, measures
PROJECTS = [
    (
        "buergerkonto",
        "Servicekonto für Verl",
        "Ein Konto für alle Onlinedienste der Stadt, verbunden mit dem Servicekonto.NRW.",
        ProjectStatus.RUNNING,
        False,
        "Kommunaler IT-Dienstleister",
        ["ozg-leistungen", "datensparsamkeit"],
    ),
    (
        "e-akte-rollout",
        "Rollout der E-Akte",
        "Fachbereich für Fachbereich zur papierlosen Verwaltung.",
        ProjectStatus.RUNNING,
        False,
        "alle Fachbereiche",
        ["e-akte"],
    ),
    (
        "sensornetz-pegel",
        "Sensoren für Pegelstände am Ölbach",
        "Messwerte von Pegelsensoren warnen früh vor Hochwasser.",
        ProjectStatus.PLANNED,
        True,
        "Feuerwehr Verl, Wasserverband",
        ["lorawan"],
    ),
    (
        "wlan-innenstadt",
        "Freifunk und WLAN in der Innenstadt",
        "Freies WLAN für Besucherinnen und Besucher der Innenstadt.",
        ProjectStatus.COMPLETED,
        True,
        "Verler Werbegemeinschaft",
        ["oeffentliches-wlan"],
    ),
    (
        "tablets-rat",
        "Tablets für den Rat",
        "Ratsmitglieder arbeiten mit Tablets statt Papierstapeln.",
        ProjectStatus.COMPLETED,
        False,
        "Fraktionen des Rates",
        ["digitale-ratsarbeit", "ratsinfo-offen"],
    ),
    (
        "schule-digital",
        "DigitalPakt Schule in Verl",
        "Ausstattung und Vernetzung der Schulen mit Mitteln des DigitalPakts.",
        ProjectStatus.RUNNING,
        False,
        "Schulen in Verl",
        ["schul-wlan", "medienentwicklungsplan"],
    ),
    (
        "smarte-bank",
        "Smarte Sitzbänke",
        "Sitzbänke mit Solarmodul zum Laden von Smartphones, mit Umweltsensoren.",
        ProjectStatus.PLANNED,
        True,
        "Stadtwerke",
        ["lorawan"],
    ),
    (
        "digitalcafe",
        "Digitalcafé in der Bibliothek",
        "Jeden Donnerstag helfen Digitalpatinnen und -paten bei Fragen zu Handy und Tablet.",
        ProjectStatus.RUNNING,
        False,
        "Stadtbibliothek, Seniorenbeirat",
        ["digitalpaten", "bibliothek-makerspace"],
    ),
    (
        "beteiligung-pilot",
        "Pilot: Online-Beteiligung Spielplatzplanung",
        "Kinder und Eltern planen den neuen Spielplatz online mit.",
        ProjectStatus.PLANNED,
        False,
        "Fachbereich Jugend, Familie und Soziales",
        ["beteiligungsplattform"],
    ),
    (
        "klimadaten",
        "Offene Klimadaten",
        "Messwerte zu Temperatur, Luft und Bodenfeuchte als offene Daten.",
        ProjectStatus.PLANNED,
        True,
        "Klimaschutzmanagement",
        ["lorawan", "open-source"],
    ),
]

# slug, title, town, summary, url, status, assessment
BEST_PRACTICE = [
    (
        "moers-open-data",
        "Offene Daten als Standard",
        "Moers",
        "Die Stadt Moers veröffentlicht seit Jahren Verwaltungsdaten als offene Daten.",
        "https://www.moers.de",
        ReviewStatus.ADOPTED,
        "Offene Daten schaffen Transparenz und kosten wenig. Verl veröffentlicht Handlungsfelder und Maßnahmen bereits als JSON und CSV; weitere Datensätze folgen.",
    ),
    (
        "koeln-anliegenmanagement",
        "Anliegenmanagement für Bürgerhinweise",
        "Köln",
        "Bürgerinnen und Bürger melden Anliegen online und verfolgen die Bearbeitung.",
        "https://www.stadt-koeln.de",
        ReviewStatus.REVIEWED,
        "Das Prinzip passt gut zu Verl. Für eine Stadt unserer Größe genügt eine schlankere Lösung; sie fließt in die Maßnahme „Mängelmelder“ ein.",
    ),
    (
        "paderborn-smart-city",
        "Modellprojekt Smart Cities",
        "Paderborn",
        "Paderborn erprobt als Modellprojekt Smart Cities digitale Lösungen für die Stadtentwicklung.",
        "https://www.paderborn.de",
        ReviewStatus.IN_REVIEW,
        "Die Nachbarschaft in Ostwestfalen bietet die Chance, Erfahrungen und Lösungen zu übernehmen. Wir prüfen, welche Bausteine nachnutzbar sind.",
    ),
    (
        "ulm-zukunftsstadt",
        "Offene Werkstatt für digitale Ideen",
        "Ulm",
        "Ein offener Ort, an dem Bürgerinnen und Bürger mit der Stadt an digitalen Ideen arbeiten.",
        "https://www.ulm.de",
        ReviewStatus.REVIEWED,
        "Ein eigener Ort ist für Verl zu groß gedacht; der Makerspace in der Stadtbibliothek greift die Idee auf.",
    ),
    (
        "soest-digitale-modellregion",
        "Digitale Modellregion",
        "Soest",
        "Soest entwickelt als Teil einer digitalen Modellregion Onlinedienste, die andere Kommunen nachnutzen.",
        "https://www.soest.de",
        ReviewStatus.REJECTED,
        "Die Teilnahme an einem eigenen Modellvorhaben ist derzeit nicht möglich. Wir nutzen aber fertige Onlinedienste nach dem Prinzip „Einer für Alle“.",
    ),
]

# slug, title, summary, starts (UTC), ends (UTC), location, online url, registration
EVENTS = [
    (
        "auftakt-digitalstrategie",
        "Auftaktwerkstatt Digitalstrategie",
        "Gemeinsam die Handlungsfelder der Digitalisierungsstrategie diskutieren.",
        datetime(2026, 5, 20, 16, 0, tzinfo=UTC),
        datetime(2026, 5, 20, 19, 0, tzinfo=UTC),
        "Rathaus Verl, Ratssaal, Paradieskamp 1, 33415 Verl",
        "",
        "Eine Anmeldung ist nicht nötig.",
    ),
    (
        "digitalsprechstunde-oktober",
        "Digitalsprechstunde im Oktober",
        "Fragen zu Onlinediensten, Servicekonto und digitalen Angeboten der Stadt.",
        datetime(2026, 10, 14, 14, 0, tzinfo=UTC),
        datetime(2026, 10, 14, 16, 0, tzinfo=UTC),
        "Rathaus Verl, Bürgerbüro",
        "",
        "Ohne Anmeldung – kommen Sie einfach vorbei.",
    ),
    (
        "online-dialog-smart-city",
        "Online-Dialog: Smart City in Verl",
        "Was bringen Sensoren, offene Daten und vernetzte Technik für Verl? Diskutieren Sie online mit.",
        datetime(2027, 1, 21, 17, 0, tzinfo=UTC),
        datetime(2027, 1, 21, 18, 30, tzinfo=UTC),
        "",
        "https://www.verl.de",
        "Bitte melden Sie sich bis zum 19. Januar per E-Mail an; Sie erhalten dann den Zugangslink.",
    ),
    (
        "unternehmerfruehstueck-digital",
        "Unternehmerfrühstück: Digital im Mittelstand",
        "Verler Betriebe berichten, wie sie die Digitalisierung angehen.",
        datetime(2027, 3, 10, 7, 30, tzinfo=UTC),
        datetime(2027, 3, 10, 9, 30, tzinfo=UTC),
        "Forum Verl, Sender Straße 18, 33415 Verl",
        "",
        "Anmeldung bis zum 3. März bei der Wirtschaftsförderung; die Plätze sind begrenzt.",
    ),
]

# slug, title, summary, publish (UTC), body
NEWS = [
    (
        "auftaktwerkstatt-rueckblick",
        "Rückblick auf die Auftaktwerkstatt",
        "Rund 60 Verlerinnen und Verler haben in der Auftaktwerkstatt über die Digitalisierungsstrategie diskutiert.",
        datetime(2026, 5, 22, 8, 0, tzinfo=UTC),
        "Rund 60 Teilnehmende haben im Ratssaal an Thementischen über Verwaltung, Bildung, Wirtschaft und Smart City diskutiert. Am häufigsten gewünscht wurden mehr Onlinedienste und eine einfache Möglichkeit, Schäden im Stadtgebiet zu melden.\n\nDie Ergebnisse fließen in die Handlungsfelder und Maßnahmen ein.",
    ),
    (
        "online-terminvergabe-gestartet",
        "Termine im Bürgerbüro jetzt online buchen",
        "Ab sofort können Termine im Bürgerbüro rund um die Uhr online gebucht werden.",
        datetime(2026, 4, 1, 7, 0, tzinfo=UTC),
        "Ob Personalausweis, Meldebescheinigung oder Führungszeugnis: Termine im Bürgerbüro lassen sich jetzt online buchen – auch abends und am Wochenende. Eine Bestätigung kommt per E-Mail.\n\nWer lieber anruft, erreicht das Bürgerbüro weiterhin zu den gewohnten Zeiten.",
    ),
    (
        "schulen-mit-wlan",
        "Alle Schulen mit WLAN versorgt",
        "Zum neuen Schuljahr haben alle Klassenräume der städtischen Schulen WLAN.",
        datetime(2026, 8, 24, 8, 0, tzinfo=UTC),
        "Mit Mitteln des DigitalPakts Schule sind alle Klassenräume der städtischen Schulen mit leistungsfähigem WLAN ausgestattet worden. Als Nächstes schreibt die Stadt gemeinsam mit den Schulen den Medienentwicklungsplan fort.",
    ),
]

# slug, title, kind, summary, url
NETWORKS = [
    (
        "kdn",
        "Dachverband kommunaler IT-Dienstleister (KDN)",
        NetworkKind.NETWORK,
        "Austausch der kommunalen IT-Dienstleister in Nordrhein-Westfalen.",
        "",
    ),
    (
        "ag-digitalisierung-kreis",
        "Arbeitsgruppe Digitalisierung im Kreis Gütersloh",
        NetworkKind.WORKING_GROUP,
        "Die Digitalisierungsbeauftragten der Kommunen im Kreis stimmen Vorhaben ab und teilen Lösungen.",
        "",
    ),
    (
        "owl-digital",
        "Netzwerk Digitale Kommunen OWL",
        NetworkKind.NETWORK,
        "Kommunen in Ostwestfalen-Lippe lernen voneinander bei der Digitalisierung.",
        "",
    ),
    (
        "fachkongress-digitaler-staat",
        "Fachkongress Digitaler Staat",
        NetworkKind.CONFERENCE,
        "Jährliche Fachkonferenz zur Verwaltungsdigitalisierung in Berlin.",
        "",
    ),
]


def _action_fields() -> list[SeedItem]:
    items: list[SeedItem] = []
    for position, (slug, title, summary, measures) in enumerate(ACTION_FIELDS, start=1):
        items.append(
            SeedItem(
                ActionField,
                {"slug": slug},
                {**DEMO, "title": title, "summary": summary, "position": position * 10},
            )
        )
        for index, (m_slug, m_title, m_summary, progress, department, target) in enumerate(
            measures, start=1
        ):
            items.append(
                SeedItem(
                    Measure,
                    {"action_field__slug": slug, "slug": m_slug},
                    {
                        **DEMO,
                        "title": m_title,
                        "summary": m_summary,
                        "body": f"Diese Maßnahme gehört zum Handlungsfeld „{title}“ der "
                        "Digitalisierungsstrategie. Über Fortschritte berichten wir hier.",
                        "progress": progress,
                        "department": department,
                        "target_date": target,
                        "position": index * 10,
                    },
                )
            )
    items += [
        SeedItem(MeasureUpdate, {"measure__slug": slug, "date": day}, {"text": text})
        for slug, day, text in MEASURE_UPDATES
    ]
    return items


def _table(
    model: type, fields: tuple[str, ...], rows: list[tuple], *, positioned: bool = True
) -> list[SeedItem]:
    """One demo item per row: its slug, then the values of `fields`. Items of a `positioned`
    type are placed 10, 20, … in the order of the table."""
    items = []
    for position, (slug, *values) in enumerate(rows, start=1):
        content = {**DEMO, **dict(zip(fields, values, strict=True))}
        if positioned:
            content["position"] = position * 10
        items.append(SeedItem(model, {"slug": slug}, content))
    return items


def _projects() -> list[SeedItem]:
    fields = ("title", "summary", "progress", "is_smart_city", "partners")
    projects = _table(Project, fields, [row[:-1] for row in PROJECTS])
    items: list[SeedItem] = []
    for project, (slug, *_, measures) in zip(projects, PROJECTS, strict=True):
        items.append(project)
        items += [
            SeedItem(Project.measures.through, {"project__slug": slug, "measure__slug": measure})
            for measure in measures
        ]
    return items


def demo_items() -> list[SeedItem]:
    """The strategy demo set, in creation order."""
    return [
        *_action_fields(),
        *_projects(),
        *_table(
            BestPractice, ("title", "town", "summary", "url", "review", "assessment"), BEST_PRACTICE
        ),
        *_table(
            Event,
            ("title", "summary", "starts_at", "ends_at", "location", "online_url", "registration"),
            EVENTS,
            positioned=False,
        ),
        *_table(NewsPost, ("title", "summary", "publish_at", "body"), NEWS, positioned=False),
        *_table(Network, ("title", "kind", "summary", "url"), NETWORKS),
    ]
