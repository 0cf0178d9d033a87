"""iCalendar files of events parse, with times in Europe/Berlin."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from tests.strategy.factories import EventFactory

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.django_db
def test_event_ics_parses_with_berlin_times(client):
    event = EventFactory(
        title="Online-Dialog: Smart City",
        slug="smart-city-dialog",
        summary="Diskutieren Sie mit, auch über Kommas; und Semikolons.",
        starts_at=datetime(2030, 1, 21, 17, 0, tzinfo=UTC),
        ends_at=datetime(2030, 1, 21, 18, 30, tzinfo=UTC),
        location="",
        online_url="https://meet.example/smart-city",
    )
    response = client.get("/dialog/smart-city-dialog.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="smart-city-dialog.ics"' in response["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Berlin"]
    (vevent,) = calendar.events
    assert vevent["SUMMARY"] == "Online-Dialog: Smart City"
    assert vevent.start == datetime(2030, 1, 21, 18, 0, tzinfo=BERLIN)
    assert vevent.end == datetime(2030, 1, 21, 19, 30, tzinfo=BERLIN)
    assert vevent.start.tzinfo.key == "Europe/Berlin"
    assert vevent["URL"] == "https://meet.example/smart-city"
    assert "Kommas; und Semikolons" in vevent["DESCRIPTION"]
    assert vevent["UID"] == f"dialog-{event.pk}@testserver"
    assert not calendar.get_missing_tzids()


@pytest.mark.django_db
def test_calendar_feed_has_every_published_event(client):
    EventFactory(title="Kommend", location="Rathaus")
    EventFactory(
        title="Vergangen",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=1),
    )
    EventFactory(title="Entwurf", status="draft")
    EventFactory(title="Geplant", publish_at=timezone.now() + timedelta(days=1))
    response = client.get("/dialog/kalender.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    assert sorted(str(event["SUMMARY"]) for event in calendar.events) == ["Kommend", "Vergangen"]
    assert calendar["X-WR-CALNAME"] == "Dialogangebote – Stadt Verl"
    kommend = next(event for event in calendar.events if event["SUMMARY"] == "Kommend")
    assert kommend["LOCATION"] == "Rathaus"
    assert kommend["URL"].startswith("http://testserver/dialog/")


@pytest.mark.django_db
def test_empty_calendar_feed_is_valid(client):
    calendar = icalendar.Calendar.from_ical(client.get("/dialog/kalender.ics").content)
    assert calendar.events == []


@pytest.mark.django_db
def test_ics_of_a_draft_is_404_for_the_public(client, admin_client):
    event = EventFactory(status="draft")
    assert client.get(event.get_ics_url()).status_code == 404
    assert admin_client.get(event.get_ics_url()).status_code == 200


@pytest.mark.django_db
def test_ics_only_answers_get(client):
    event = EventFactory()
    assert client.post(event.get_ics_url()).status_code == 405
