"""iCalendar (RFC 5545) files of Dialogangebote, built with the `icalendar` library."""

from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from strategy.models import Event
from strategy.town import town_profile


def _prodid() -> str:
    """RFC 5545's product identifier: who made the calendar (the town), and with what."""
    return f"-//{town_profile().name}//Digitalisierung//DE"


def _vevent(event: Event, *, request: HttpRequest, host: str) -> icalendar.Event:
    berlin = ZoneInfo(settings.TIME_ZONE)
    vevent = icalendar.Event()
    # A stable UID lets calendar apps update the event when the CDO changes it.
    vevent.add("uid", f"dialog-{event.pk}@{host}")
    vevent.add("dtstamp", event.updated_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("summary", event.localized("title"))
    vevent.add("dtstart", timezone.localtime(event.starts_at, berlin))
    vevent.add("dtend", timezone.localtime(event.ends_at, berlin))
    description = "\n\n".join(
        part for name in ("summary", "body", "registration") if (part := event.localized(name))
    )
    if description:
        vevent.add("description", description)
    if event.location:
        vevent.add("location", event.location)
    vevent.add("url", event.online_url or request.build_absolute_uri(event.get_absolute_url()))
    return vevent


def events_to_ical(
    events: Iterable[Event], *, request: HttpRequest, name: str | None = None
) -> bytes:
    """One calendar with the given events, their times in Europe/Berlin with its VTIMEZONE."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", _prodid())
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
    host = request.get_host().split(":")[0]
    events = list(events)
    for event in events:
        calendar.add_component(_vevent(event, request=request, host=host))
    if events:
        # Describe the time zone only for the years the events span, not since 1970.
        calendar.add_missing_timezones(
            first_date=min(event.starts_at for event in events).date() - timedelta(days=366),
            last_date=max(event.ends_at for event in events).date() + timedelta(days=366),
        )
    return calendar.to_ical()
