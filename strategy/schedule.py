"""When public content changes by itself: the next scheduled publication, event end or note.

Cached pages (verl_digital.caching.pagecache) expire at that moment, so scheduled items appear
on time without a job and without anyone bumping a version. The moment is the earliest future
`publish_at` of every publishable model, event start or end, or progress note date, found in
one UNION query (and one for the notes) and cached per content version; pages of content
depend on that version and expire then (`depend_on_content`).
"""

from __future__ import annotations

from datetime import datetime, time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone

from strategy.models import Event, MeasureUpdate, Publishable
from verl_digital.caching import pagecache
from verl_digital.caching.versions import CONTENT


def _next_change_at() -> datetime | None:
    now = timezone.now()
    # The earliest future moment of each kind, all in one query. Each row counts with its
    # own date: a section dated yesterday on a page dated tomorrow appears at the page's
    # date, which the pages bring.
    firsts = [
        model.objects.scheduled(parents=False).order_by("publish_at").values_list("publish_at")[:1]
        for model in apps.get_app_config("strategy").get_models()
        if issubclass(model, Publishable)
    ]
    # An event moves from the upcoming list to the archive when it ends.
    for field in ("starts_at", "ends_at"):
        events = Event.objects.filter(**{f"{field}__gt": now}).order_by(field)
        firsts.append(events.values_list(field)[:1])
    moments = [moment for (moment,) in firsts[0].union(*firsts[1:], all=True)]
    # A progress note is public from its date on (local midnight).
    day = MeasureUpdate.objects.filter(date__gt=timezone.localdate()).aggregate(at=Min("date"))
    if day["at"] is not None:
        moments.append(timezone.make_aware(datetime.combine(day["at"], time.min)))
    return min(moments, default=None)


def next_change(content_version: str) -> float | None:
    """Unix time of the next change by the clock, computed once per content version."""
    key = f"content-schedule:{content_version}"
    cached = cache.get(key)
    now = timezone.now().timestamp()
    # 0 stands for "nothing scheduled" (None would look like a missing entry).
    if cached is not None and (cached == 0 or cached > now):
        return cached or None
    moment = _next_change_at()
    value = moment.timestamp() if moment is not None else 0
    timeout = settings.PAGE_CACHE_TIMEOUT if value == 0 else max(1, int(value - now))
    cache.set(key, value, timeout=timeout)
    return value or None


def depend_on_content() -> None:
    """A page showing published content: stale on any content change and by the clock."""
    token = pagecache.depend(CONTENT)[CONTENT]
    pagecache.expires(next_change(token))
