import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from strategy.models import Page, PublicationStatus, Section, Task
from tests.strategy.factories import PageFactory, SectionFactory

SEED = Path(__file__).resolve().parent.parent / "data" / "cdo-page-de.txt"

PUBLIC_URLS = [
    "/",
    "/aufgaben/",
    "/strategie/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
]


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
        assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', html)


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
