"""German full-text search: inflections, compounds, typos, ranking, snippets, bad input."""

import re
from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchVector
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategy.models import Page
from strategy.search import (
    MAX_WORDS,
    SearchProvider,
    highlight,
    query_words,
    register,
    registered_providers,
    search,
)
from tests.strategy.factories import (
    ActionFieldFactory,
    EventFactory,
    MeasureFactory,
    MeasureUpdateFactory,
    NewsPostFactory,
    PageFactory,
    ProjectFactory,
    SectionFactory,
)


def titles(query: str) -> list[str]:
    return [result.title for result in search(query)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "Wir haben die Anträge digitalisierten Verfahren zugeführt.",
        "Der Digitalisierungsbeauftragte stellt sich vor.",
        "Die digitalisierte Verwaltung spart Wege.",
        "Mehr Digitalisierung für Verl.",
    ],
)
def test_digitalisierung_finds_inflected_and_compound_forms(text):
    NewsPostFactory(title="Meldung", body=text)
    assert titles("Digitalisierung") == ["Meldung"]


@pytest.mark.django_db
def test_plural_and_case_forms_match():
    MeasureFactory(title="Onlinedienste für Bürgerinnen", summary="", body="")
    assert titles("Onlinedienst") == ["Onlinedienste für Bürgerinnen"]
    assert titles("ONLINEDIENSTE") == ["Onlinedienste für Bürgerinnen"]


@pytest.mark.django_db
def test_all_words_must_match():
    NewsPostFactory(title="Glasfaser in Kaunitz", body="")
    NewsPostFactory(title="Glasfaser in Sürenheide", body="")
    assert titles("Glasfaser Kaunitz") == ["Glasfaser in Kaunitz"]


@pytest.mark.django_db
def test_short_queries_forgive_typos():
    ProjectFactory(title="Glasfaserausbau in den Außenbereichen", body="")
    ProjectFactory(title="Digitalisierung der Schulen", body="")
    assert titles("Glasfaserausbu") == ["Glasfaserausbau in den Außenbereichen"]
    assert titles("Digitalisirung") == ["Digitalisierung der Schulen"]
    assert titles("Digitalisirung Schulen Verl") == []  # long queries: exact words only


@pytest.mark.django_db
def test_title_hits_rank_above_body_hits():
    NewsPostFactory(title="Rückblick", body="Es ging auch um Breitband.")
    NewsPostFactory(title="Breitband für alle", body="Ein Text.")
    assert titles("Breitband") == ["Breitband für alle", "Rückblick"]


@pytest.mark.django_db
def test_unpublished_content_is_never_found():
    NewsPostFactory(title="Geheimplan Entwurf", status="draft")
    NewsPostFactory(title="Geheimplan später", publish_at=timezone.now() + timedelta(days=1))
    MeasureFactory(
        title="Geheimplan im Entwurfsfeld", action_field=ActionFieldFactory(status="draft")
    )
    assert titles("Geheimplan") == []


@pytest.mark.django_db
def test_a_section_is_found_only_while_its_page_is_public():
    page = PageFactory(title="Seite", status="draft")
    SectionFactory(page=page, title="Abschnitt Geheimplan")
    assert titles("Geheimplan") == []
    Page.objects.filter(pk=page.pk).update(status="published")
    assert titles("Geheimplan") == ["Seite: Abschnitt Geheimplan"]


@pytest.mark.django_db
def test_every_content_type_is_searchable():
    PageFactory(title="Seite Zebrastreifen")
    ActionFieldFactory(title="Handlungsfeld Zebrastreifen")
    measure = MeasureFactory(title="Maßnahme Zebrastreifen")
    MeasureUpdateFactory(measure=measure, text="Notiz über Zebrastreifen")
    EventFactory(title="Termin Zebrastreifen")
    found = {(result.label, result.title) for result in search("Zebrastreifen")}
    assert found == {
        ("Seite", "Seite Zebrastreifen"),
        ("Handlungsfeld", "Handlungsfeld Zebrastreifen"),
        ("Maßnahme", "Maßnahme Zebrastreifen"),
        ("Fortschrittsnotiz", "Maßnahme Zebrastreifen"),
        ("Dialogangebot", "Termin Zebrastreifen"),
    }


@pytest.mark.django_db
def test_snippet_highlights_matches_and_escapes_html():
    NewsPostFactory(
        title="Meldung",
        summary="",
        body="<b>Fett</b> <script>alert(1)</script> Wir **digitalisieren** die "
        "[Verwaltung](https://x.example) <img src=x onerror=alert(1)>.",
    )
    (result,) = search("Verwaltung")
    assert "<mark>Verwaltung</mark>" in result.snippet
    assert set(re.findall(r"</?(\w+)", result.snippet)) == {"mark"}
    assert "**" not in result.snippet
    assert "https://x.example" not in result.snippet


def test_highlight_escapes_everything_but_its_markers():
    assert highlight("a < b \ue000c\ue001 & **d**") == "a &lt; b <mark>c</mark> &amp; d"


def test_query_words_drop_syntax_and_bound_the_query():
    assert query_words("Digitalisierung & !verl:* 'x' (a|b) <-> _") == [
        "digitalisierung",
        "verl",
        "x",
        "a",
        "b",
    ]
    assert len(query_words("wort " * 100)) == 1
    assert len(query_words(" ".join(f"w{i}" for i in range(50)))) == MAX_WORDS
    assert query_words("\x00\x01") == []


@pytest.mark.django_db
def test_search_page_shows_ranked_highlighted_results(client):
    NewsPostFactory(title="Digitalisierte Anträge", body="Alle Anträge sind digitalisiert.")
    response = client.get("/suche/", {"q": "Digitalisierung"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 Treffer für „Digitalisierung“" in html
    assert "<mark>digitalisiert</mark>" in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_search_page_paginates(client):
    for number in range(13):
        NewsPostFactory(title=f"Radweg Nummer {number}")
    first = client.get("/suche/", {"q": "Radweg"}).content.decode()
    assert "13 Treffer" in first
    assert first.count('class="item"') == 10
    assert "Seite 1 von 2" in first
    assert "q=Radweg&amp;page=2" in first
    second = client.get("/suche/", {"q": "Radweg", "page": 2}).content.decode()
    assert second.count('class="item"') == 3
    assert client.get("/suche/", {"q": "Radweg", "page": "x"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/suche/", ["Keine Treffer für „Glasfaserkabel“.", "andere oder weniger Suchwörter"]),
        ("/en/suche/", ["No results for “Glasfaserkabel”.", "different or fewer search words"]),
    ],
)
def test_a_search_without_hits_says_so_and_how_to_search_instead(client, path, expected):
    NewsPostFactory(title="Digitalisierung")
    response = client.get(path, {"q": "Glasfaserkabel"})
    assert response.status_code == 200
    html = response.content.decode()
    for text in expected:
        assert text in html
    assert 'class="search-results"' not in html


@pytest.mark.django_db
def test_a_query_without_letters_or_digits_asks_for_a_word(client):
    html = client.get("/suche/", {"q": "!!!"}).content.decode()
    assert "Bitte geben Sie einen Suchbegriff mit Buchstaben oder Ziffern ein." in html
    assert "Keine Treffer" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "'",
        '"Digitalisierung',
        "a & | ! ( ) : * <->",
        "digital:* & !verl",
        "'; DROP TABLE strategy_newspost; --",
        "\\",
        "   ",
        "und die der",
        "ä" * 200,
        "🙂 Emoji",
    ],
)
def test_odd_queries_never_fail(client, query):
    NewsPostFactory(title="Digitalisierung")
    assert client.get("/suche/", {"q": query}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("x" * 10_000, "höchstens 200 Zeichen"),
        ("Digital\x00isierung", "unzulässige Zeichen"),
    ],
)
def test_invalid_queries_are_a_german_400(client, query, message):
    response = client.get("/suche/", {"q": query})
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200))
def test_any_text_is_a_safe_query(text):
    search(text)[:10]


@pytest.mark.django_db
def test_another_app_can_register_a_source():
    before = registered_providers()
    page = PageFactory(title="Ohne Bezug", intro="Kommentar: Sitzbänke mit Solar")
    provider = SearchProvider(
        key="tests.intro",
        label="Kommentar",
        queryset=lambda: Page.objects.published(),
        vector=SearchVector("intro", config="german"),
        snippet="intro",
        url=lambda obj: f"{obj.get_absolute_url()}#kommentare",
    )
    try:
        register(provider)
        results = [r for r in search("Sitzbank") if r.label == "Kommentar"]
        assert [r.url for r in results] == [f"{page.get_absolute_url()}#kommentare"]
    finally:
        from strategy import search as search_module

        search_module._providers.pop("tests.intro")
    assert registered_providers() == before


@pytest.mark.django_db
def test_search_queries_do_not_grow_with_the_hits(django_assert_max_num_queries):
    for number in range(30):
        MeasureFactory(title=f"Radweg {number}")
        NewsPostFactory(title=f"Radweg Meldung {number}")
    providers = len(registered_providers())
    with django_assert_max_num_queries(providers + 2):
        results = search("Radweg")
        assert len(results[:10]) == 10
