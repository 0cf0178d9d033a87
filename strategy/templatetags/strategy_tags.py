from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from strategy.markdown import render_markdown
from strategy.models import Event, Translatable

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text or "")


@register.filter
def localized(obj: Translatable, name: str) -> str:
    """`{{ page|localized:"title" }}`: the field in the page's language, else the German."""
    return obj.localized(name)


@register.filter
def is_translation(obj: Translatable) -> bool:
    """Whether the page shows any of the item's main texts in a translation (not German)."""
    return any(
        hasattr(obj, name) and obj.localized_language(name) != settings.LANGUAGE_CODE
        for name in ("title", "intro", "summary", "body")
    )


@register.simple_tag
def lang_attr(obj: Translatable, name: str) -> SafeString:
    """` lang="de"` where `obj|localized:name` is German on a page in another language:
    a fallback, or a field that exists in German only (a department, a venue).

    Screen readers then read that passage with a German voice (WCAG 3.1.2).
    """
    language = obj.localized_language(name)
    if language == get_language():
        return mark_safe("")
    return format_html(' lang="{}"', language)


@register.simple_tag
def event_when(event: Event) -> SafeString:
    """When an event takes place, e.g. "Mittwoch, 25. November 2026, 18:00–20:00 Uhr"."""
    starts = timezone.localtime(event.starts_at)
    ends = timezone.localtime(event.ends_at)
    start = format_html(
        '<time datetime="{}">{}, {}, {}</time>',
        starts.isoformat(),
        date_format(starts, "l"),
        date_format(starts, "DATE_FORMAT"),
        date_format(starts, "TIME_FORMAT"),
    )
    if starts.date() == ends.date():
        end = format_html(
            '<time datetime="{}">{}</time>', ends.isoformat(), date_format(ends, "TIME_FORMAT")
        )
        # Translators: an event on one day: "Mittwoch, 25. November 2026, 18:00–20:00 Uhr".
        text = gettext("%(start)s–%(end)s Uhr")
    else:
        end = format_html(
            '<time datetime="{}">{}, {}, {}</time>',
            ends.isoformat(),
            date_format(ends, "l"),
            date_format(ends, "DATE_FORMAT"),
            date_format(ends, "TIME_FORMAT"),
        )
        # Translators: an event over several days, each part with weekday, date and time.
        text = gettext("%(start)s bis %(end)s Uhr")
    return mark_safe(conditional_escape(text) % {"start": start, "end": end})  # noqa: S308
