"""The Atom feeds parse as Atom 1.0 and carry what RFC 4287 requires."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import feedparser
import pytest
from django.utils import timezone

from tests.strategy.factories import (
    EventFactory,
    MeasureFactory,
    MeasureUpdateFactory,
    NewsPostFactory,
)

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = ["/neuigkeiten/feed/", "/dialog/feed/", "/strategie/massnahmen/feed/"]


def assert_valid_atom(content: bytes) -> ET.Element:
    parsed = feedparser.parse(content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(content)  # noqa: S314 - our own response
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert root.find(f"{ATOM}author/{ATOM}name").text
    datetime.fromisoformat(root.find(f"{ATOM}updated").text)
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://")
        assert entry.find(f"{ATOM}summary") is not None
    ids = [entry.find(f"{ATOM}id").text for entry in root.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids))
    return root


@pytest.mark.django_db
@pytest.mark.parametrize("url", FEEDS)
def test_empty_feeds_are_valid_atom(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert_valid_atom(response.content)


@pytest.mark.django_db
def test_news_feed_lists_published_posts_only(client):
    NewsPostFactory(title="Neue Onlinedienste", body="Jetzt **online**.")
    NewsPostFactory(title="Noch ein Entwurf", status="draft")
    NewsPostFactory(title="Erst morgen", publish_at=timezone.now() + timedelta(days=1))
    root = assert_valid_atom(client.get("/neuigkeiten/feed/").content)
    titles = [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]
    assert titles == ["Neue Onlinedienste"]
    summary = root.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<strong>online</strong>" in summary.text


@pytest.mark.django_db
def test_event_feed_titles_carry_the_date(client):
    EventFactory(
        title="Digitalsprechstunde", starts_at=timezone.make_aware(datetime(2031, 3, 4, 17, 0))
    )
    root = assert_valid_atom(client.get("/dialog/feed/").content)
    assert root.find(f"{ATOM}entry/{ATOM}title").text == "04.03.2031: Digitalsprechstunde"


@pytest.mark.django_db
def test_measure_update_feed_has_one_entry_per_public_note(client):
    measure = MeasureFactory(title="E-Akte", progress="in_progress")
    MeasureUpdateFactory(measure=measure, text="Erster Schritt")
    MeasureUpdateFactory(measure=measure, text="Zweiter Schritt", date=timezone.localdate())
    MeasureUpdateFactory(
        measure=measure, text="Zukunft", date=timezone.localdate() + timedelta(days=1)
    )
    MeasureUpdateFactory(measure=MeasureFactory(status="draft"), text="Geheim")
    root = assert_valid_atom(client.get("/strategie/massnahmen/feed/").content)
    entries = root.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == [
        "E-Akte (in Umsetzung)",
        "E-Akte (in Umsetzung)",
    ]
    summaries = [entry.find(f"{ATOM}summary").text for entry in entries]
    assert "Zweiter Schritt" in summaries[0]
    assert "Erster Schritt" in summaries[1]
