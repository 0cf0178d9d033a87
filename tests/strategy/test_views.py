import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from strategy.models import NewsPost, Page, PublicationStatus, Section, Task
from tests.strategy.factories import (
    ActionFieldFactory,
    BestPracticeFactory,
    EventFactory,
    MeasureFactory,
    MeasureUpdateFactory,
    NetworkFactory,
    NewsPostFactory,
    PageFactory,
    ProjectFactory,
    SectionFactory,
)

SEED = Path(__file__).resolve().parent.parent / "data" / "cdo-page-de.txt"

PUBLIC_URLS = [
    "/",
    "/aufgaben/",
    "/strategie/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
]
# A resource the browser would fetch from an absolute URL. <link rel="alternate"> only names
# the page's other language versions (absolute, as hreflang wants them); nothing loads it.
LOADED_FROM_ELSEWHERE = re.compile(
    r'<(?:script|img|link(?![^>]*rel="alternate"))[^>]+(?:src|href)="(?:https?:)?//'
)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(?:a|abbr|code|em|span|strong)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def seed_sentences() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").splitlines()[1:]  # line 1 is navigation residue
    return [line.strip().lstrip("•").strip() for line in lines if line.strip()]


@pytest.mark.usefixtures("verl_content")
def test_cdo_page_shows_every_sentence_of_the_seed_verbatim(client):
    response = client.get("/")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    sentences = seed_sentences()
    assert len(sentences) == 20
    missing = [sentence for sentence in sentences if sentence not in text]
    assert missing == []


@pytest.mark.usefixtures("verl_content")
def test_cdo_page_is_split_into_the_seed_sections(client):
    html = client.get("/").content.decode()
    assert html.count("<h1") == 1
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings[:3] == ["Ziel ist es", "Aufgaben", "Ihre Meinung ist gefragt!"]
    task_list = re.search(r'<ul class="task-list">(.*?)</ul>', html, re.S).group(1)
    assert task_list.count("<li") == 9


@pytest.mark.usefixtures("verl_content")
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_answer_200_in_the_layout(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert html.count("<h1") == 1
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert 'class="skip-link" href="#inhalt"' in html


@pytest.mark.usefixtures("verl_content")
def test_pages_load_nothing_from_other_hosts(client):
    for url in PUBLIC_URLS:
        html = client.get(url).content.decode()
        assert not LOADED_FROM_ELSEWHERE.search(html)


@pytest.mark.usefixtures("verl_content")
def test_tasks_page_lists_the_tasks_in_order(client):
    html = client.get(reverse("strategy:tasks")).content.decode()
    titles = list(Task.objects.published().values_list("title", flat=True))
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_missing_page_is_a_german_404(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


@pytest.mark.django_db
def test_unpublished_page_is_404_for_the_public_and_a_preview_for_editors(client, admin_client):
    page = PageFactory(slug="entwurf", status=PublicationStatus.DRAFT)
    assert client.get(page.get_absolute_url()).status_code == 404
    response = admin_client.get(page.get_absolute_url())
    assert response.status_code == 200
    assert "Vorschau" in response.content.decode()


@pytest.mark.django_db
def test_future_page_is_404_until_its_publish_date(client):
    page = PageFactory(slug="bald", publish_at=timezone.now() + timedelta(days=1))
    assert client.get(page.get_absolute_url()).status_code == 404
    Page.objects.filter(pk=page.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert client.get(page.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_draft_section_is_hidden_from_the_public(client, admin_client):
    page = PageFactory(slug="mit-abschnitten")
    SectionFactory(page=page, title="Öffentlich", slug="oeffentlich")
    SectionFactory(page=page, title="Geheimer Entwurf", slug="entwurf", status="draft")
    assert "Geheimer Entwurf" not in client.get(page.get_absolute_url()).content.decode()
    assert "Geheimer Entwurf" in admin_client.get(page.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_preview_of_a_measure_names_the_date_of_its_scheduled_action_field(admin_client):
    appears = timezone.now() + timedelta(days=3)
    measure = MeasureFactory(action_field=ActionFieldFactory(publish_at=appears))
    html = admin_client.get(measure.get_absolute_url()).content.decode()
    assert "Vorschau: Dieser Inhalt erscheint erst am" in html
    assert date_format(timezone.localtime(appears), "DATETIME_FORMAT") in html


@pytest.mark.django_db
def test_preview_of_a_draft_page_marks_only_its_draft_sections(admin_client):
    page = PageFactory(slug="entwurf", status=PublicationStatus.DRAFT)
    SectionFactory(page=page, slug="fertig")
    SectionFactory(page=page, slug="offen", status=PublicationStatus.DRAFT)
    html = admin_client.get(page.get_absolute_url()).content.decode()
    banners = re.findall(r'<p class="preview-banner"', html)
    assert len(banners) == 2  # the page's and the draft section's
    assert html.index('id="offen"') < html.rindex('class="preview-banner"')


@pytest.mark.django_db
def test_legal_page_unpublished_is_404(client):
    PageFactory(slug=Page.IMPRINT, status=PublicationStatus.DRAFT)
    assert client.get("/impressum/").status_code == 404


@pytest.mark.django_db
def test_markdown_body_is_sanitized(client):
    page = PageFactory(
        slug="xss",
        body='<script>alert(1)</script> [klick](javascript:alert(1)) <img src=x onerror="alert(1)">',
    )
    html = client.get(page.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


@pytest.mark.django_db
def test_section_anchor_links_to_its_page(client):
    section = SectionFactory(page=PageFactory(slug="ueber"), slug="teil")
    assert section.get_absolute_url() == "/seite/ueber/#teil"
    assert Section.objects.published().count() == 1


# --- Strategy content ------------------------------------------------------------------------


@pytest.fixture
def content(db):
    """One published item of every content type, and a measure with a progress note."""
    field = ActionFieldFactory(title="Digitale Verwaltung", slug="verwaltung")
    measure = MeasureFactory(
        action_field=field, title="Einführung der E-Akte", slug="e-akte", progress="in_progress"
    )
    MeasureUpdateFactory(measure=measure, text="Erste Fachbereiche arbeiten digital.")
    project = ProjectFactory(title="Servicekonto", slug="servicekonto", is_smart_city=True)
    project.measures.add(measure)
    return {
        "field": field,
        "measure": measure,
        "project": project,
        "practice": BestPracticeFactory(title="Offene Daten", slug="offene-daten"),
        "event": EventFactory(title="Auftaktwerkstatt", slug="auftakt"),
        "news": NewsPostFactory(title="Es geht los", slug="es-geht-los"),
        "network": NetworkFactory(title="AG Digitalisierung", slug="ag-digital"),
    }


CONTENT_LIST_URLS = [
    "/strategie/massnahmen/",
    "/projekte/",
    "/best-practice/",
    "/dialog/",
    "/dialog/archiv/",
    "/neuigkeiten/",
    "/netzwerke/",
    "/suche/",
    "/suche/?q=Verwaltung",
]


@pytest.mark.usefixtures("verl_content")
@pytest.mark.parametrize("url", CONTENT_LIST_URLS)
def test_content_lists_answer_200_in_the_layout(client, content, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<html lang="de">' in html
    assert not LOADED_FROM_ELSEWHERE.search(html)


@pytest.mark.usefixtures("verl_content")
@pytest.mark.parametrize(
    "key", ["field", "measure", "project", "practice", "event", "news", "network"]
)
def test_content_detail_pages(client, content, key):
    obj = content[key]
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert obj.title in visible_text(html)
    assert "Beispielinhalt" not in html


@pytest.mark.parametrize(
    "factory",
    [
        ActionFieldFactory,
        MeasureFactory,
        ProjectFactory,
        BestPracticeFactory,
        EventFactory,
        NewsPostFactory,
        NetworkFactory,
    ],
)
@pytest.mark.django_db
def test_drafts_and_scheduled_content_are_404_until_published(client, admin_client, factory):
    draft = factory(status=PublicationStatus.DRAFT, title="Geheimer Entwurf")
    assert client.get(draft.get_absolute_url()).status_code == 404
    preview = admin_client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "Vorschau" in preview.content.decode()

    scheduled = factory(publish_at=timezone.now() + timedelta(days=1), title="Bald sichtbar")
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    type(scheduled).objects.filter(pk=scheduled.pk).update(
        publish_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(scheduled.get_absolute_url()).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/strategie/handlungsfelder/gibt-es-nicht/",
        "/strategie/massnahmen/gibt-es-nicht/",
        "/projekte/gibt-es-nicht/",
        "/best-practice/gibt-es-nicht/",
        "/dialog/gibt-es-nicht/",
        "/dialog/gibt-es-nicht.ics",
        "/neuigkeiten/gibt-es-nicht/",
        "/netzwerke/gibt-es-nicht/",
    ],
)
def test_unknown_content_is_a_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_lists_hide_drafts_and_scheduled_items(client):
    NewsPostFactory(title="Öffentliche Meldung")
    NewsPostFactory(title="Entwurf einer Meldung", status="draft")
    NewsPostFactory(title="Künftige Meldung", publish_at=timezone.now() + timedelta(hours=1))
    html = client.get("/neuigkeiten/").content.decode()
    assert "Öffentliche Meldung" in html
    assert "Entwurf einer Meldung" not in html
    assert "Künftige Meldung" not in html


@pytest.mark.django_db
def test_measure_of_a_draft_action_field_is_hidden(client):
    measure = MeasureFactory(action_field=ActionFieldFactory(status="draft"))
    assert client.get(measure.get_absolute_url()).status_code == 404
    assert measure.title not in client.get("/strategie/massnahmen/").content.decode()


@pytest.mark.usefixtures("verl_content")
def test_strategy_page_lists_action_fields_with_measure_counts(client, content):
    MeasureFactory(action_field=content["field"], progress="done")
    MeasureFactory(action_field=content["field"], status="draft")
    text = visible_text(client.get("/strategie/").content.decode())
    assert "Digitale Verwaltung" in text
    assert "2 Maßnahmen: 1 umgesetzt, 1 in Umsetzung, 0 geplant" in text


def test_measure_detail_shows_status_progress_notes_and_projects(client, content):
    MeasureUpdateFactory(
        measure=content["measure"],
        date=timezone.localdate() + timedelta(days=3),
        text="Eine Notiz für später.",
    )
    text = visible_text(client.get("/strategie/massnahmen/e-akte/").content.decode())
    assert "in Umsetzung" in text
    assert "Stabsstelle Digitalisierung" in text
    assert "Erste Fachbereiche arbeiten digital." in text
    assert "Eine Notiz für später." not in text
    assert "Servicekonto" in text


def test_measure_list_filters_and_sorts(client, content):
    MeasureFactory(action_field=content["field"], title="Fertige Maßnahme", progress="done")
    other = MeasureFactory(title="Anderes Feld")
    text = visible_text(client.get("/strategie/massnahmen/", {"stand": "done"}).content.decode())
    assert "Fertige Maßnahme" in text
    assert "Einführung der E-Akte" not in text
    response = client.get(
        "/strategie/massnahmen/", {"handlungsfeld": other.action_field.slug, "sortierung": "titel"}
    )
    text = visible_text(response.content.decode())
    assert "Anderes Feld" in text
    assert "Fertige Maßnahme" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/strategie/massnahmen/", {"stand": "erfunden"}),
        ("/strategie/massnahmen/", {"handlungsfeld": "gibt-es-nicht"}),
        ("/strategie/massnahmen/", {"sortierung": "'; DROP TABLE"}),
        ("/projekte/", {"stand": "x" * 5000}),
        ("/best-practice/", {"stand": "\x00"}),
        ("/netzwerke/", {"art": "<script>"}),
    ],
)
def test_invalid_filters_are_a_german_400(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte eine gültige Auswahl treffen" in html
    assert "<script>" not in html


@pytest.mark.django_db
def test_project_list_filters_smart_city(client):
    ProjectFactory(title="Sensoren am Bach", is_smart_city=True)
    ProjectFactory(title="E-Akte-Rollout", is_smart_city=False)
    text = visible_text(client.get("/projekte/", {"smart_city": "on"}).content.decode())
    assert "Sensoren am Bach" in text
    assert "E-Akte-Rollout" not in text


@pytest.mark.django_db
def test_best_practice_filter_and_assessment(client):
    practice = BestPracticeFactory(title="Mängelmelder", review="adopted")
    BestPracticeFactory(title="Verworfenes", review="rejected")
    text = visible_text(client.get("/best-practice/", {"stand": "adopted"}).content.decode())
    assert "Mängelmelder" in text
    assert "Verworfenes" not in text
    detail = visible_text(client.get(practice.get_absolute_url()).content.decode())
    assert "Einschätzung des Digitalisierungsbeauftragten" in detail
    assert "übernommen" in detail
    assert "Musterstadt" in detail


@pytest.mark.django_db
def test_events_are_split_into_upcoming_and_past(client):
    now = timezone.now()
    EventFactory(title="Kommende Werkstatt")
    EventFactory(
        title="Vergangene Werkstatt",
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(hours=2),
    )
    upcoming = visible_text(client.get("/dialog/").content.decode())
    past = visible_text(client.get("/dialog/archiv/").content.decode())
    assert "Kommende Werkstatt" in upcoming
    assert "Vergangene Werkstatt" not in upcoming
    assert "Vergangene Werkstatt" in past
    assert "Kommende Werkstatt" not in past


@pytest.mark.django_db
def test_event_times_are_shown_in_german_in_europe_berlin(client):
    event = EventFactory(
        starts_at=datetime(2030, 7, 1, 16, 0, tzinfo=UTC),
        ends_at=datetime(2030, 7, 1, 18, 30, tzinfo=UTC),
        online_url="https://meet.example/verl",
    )
    text = visible_text(client.get(event.get_absolute_url()).content.decode())
    assert "Montag, 1. Juli 2030, 18:00 – 20:30 Uhr" in text
    assert "https://meet.example/verl" in text
    assert "Keine Anmeldung nötig." in text


@pytest.mark.django_db
def test_news_list_is_newest_first_and_paginated(client):
    for day in range(12):
        NewsPostFactory(
            title=f"Meldung vom Tag {day:02d}", publish_at=timezone.now() - timedelta(days=day)
        )
    html = client.get("/neuigkeiten/").content.decode()
    assert html.index("Tag 00") < html.index("Tag 09")
    assert "Tag 10" not in html
    assert "Seite 1 von 2" in visible_text(html)
    assert "Tag 11" in client.get("/neuigkeiten/", {"page": 2}).content.decode()
    assert client.get("/neuigkeiten/", {"page": 99}).status_code == 404


@pytest.mark.django_db
def test_demo_content_is_marked_for_citizens(client):
    post = NewsPostFactory(is_demo=True, title="Demomeldung")
    assert "Beispiel" in client.get("/neuigkeiten/").content.decode()
    assert "Beispiel" in client.get("/suche/", {"q": "Demomeldung"}).content.decode()
    assert "Beispielinhalt" in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.usefixtures("verl_content")
def test_seed_news_post_is_the_cdo_announcement_of_2_april(client):
    post = NewsPost.objects.get()
    assert timezone.localtime(post.publish_at).date().isoformat() == "2026-04-02"
    text = visible_text(client.get(post.get_absolute_url()).content.decode())
    assert "2. April 2026" in text
    for sentence in seed_sentences()[:3]:
        assert sentence in text


@pytest.mark.usefixtures("verl_content")
def test_main_navigation_marks_the_current_section(client, content):
    html = client.get(content["project"].get_absolute_url()).content.decode()
    assert 'href="/projekte/" aria-current="true"' in html
    html = client.get("/projekte/").content.decode()
    assert 'href="/projekte/" aria-current="page"' in html


@pytest.mark.usefixtures("verl_content")
def test_every_detail_page_carries_comments_and_the_comment_form(client, content):
    for item in content.values():
        html = client.get(item.get_absolute_url()).content.decode()
        content_type = ContentType.objects.get_for_model(item)
        form_action = reverse("feedback:comment_create", args=[content_type.pk, item.pk])
        assert 'id="kommentare"' in html, item
        assert f'action="{form_action}"' in html, item
