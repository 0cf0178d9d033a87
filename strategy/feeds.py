"""Atom feeds of news, events and measure updates (django.contrib.syndication).

Under /en/ they are English feeds: titles and texts in English where the editors gave
them, links to the English pages, `xml:lang="en"`."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from strategy.markdown import render_markdown
from strategy.models import ContentItem, Event, MeasureUpdate, NewsPost
from strategy.town import town_profile

FEED_LENGTH = 50


class SiteFeed(Feed):
    """Every feed of the site: Atom, by the Stabsstelle; titles name the town."""

    feed_type = Atom1Feed

    def author_name(self) -> str:
        return gettext("%(town)s – Stabsstelle Digitalisierung") % {"town": town_profile().name}


def _place() -> dict[str, str]:
    profile = town_profile()
    return {"place": profile.short_name, "town": profile.name}


class ContentFeed(SiteFeed):
    def item_title(self, item: ContentItem) -> str:
        return item.localized("title")

    def item_description(self, item: ContentItem) -> str:
        return render_markdown(item.teaser)

    def item_pubdate(self, item: ContentItem) -> datetime:
        return item.publish_at

    def item_updateddate(self, item: ContentItem) -> datetime:
        return max(item.updated_at, item.publish_at)


class NewsFeed(ContentFeed):
    link = reverse_lazy("strategy:news_list")

    def title(self) -> str:
        return gettext("Neuigkeiten – Digitalisierung in %(place)s") % _place()

    def subtitle(self) -> str:
        return gettext("Neuigkeiten des Digitalisierungsbeauftragten der %(town)s") % _place()

    def items(self) -> QuerySet[NewsPost]:
        return NewsPost.objects.published()[:FEED_LENGTH]

    def item_description(self, item: NewsPost) -> str:
        return render_markdown(item.localized("body") or item.teaser)


class EventFeed(ContentFeed):
    link = reverse_lazy("strategy:event_list")

    def title(self) -> str:
        return gettext("Dialogangebote – Digitalisierung in %(place)s") % _place()

    def subtitle(self) -> str:
        return (
            gettext("Veranstaltungen und Beteiligungsangebote zur Digitalisierung in %(place)s")
            % _place()
        )

    def items(self) -> QuerySet[Event]:
        return Event.objects.published().order_by("-publish_at", "-pk")[:FEED_LENGTH]

    def item_title(self, item: Event) -> str:
        starts = timezone.localtime(item.starts_at)
        return f"{date_format(starts, 'SHORT_DATE_FORMAT')}: {item.localized('title')}"


class MeasureUpdateFeed(SiteFeed):
    subtitle = _("Neue Notizen zum Umsetzungsstand der Maßnahmen der Digitalisierungsstrategie")
    link = reverse_lazy("strategy:measure_list")

    def title(self) -> str:
        return gettext("Fortschritt der Maßnahmen – Digitalisierung in %(place)s") % _place()

    def items(self) -> QuerySet[MeasureUpdate]:
        return MeasureUpdate.objects.published().select_related("measure")[:FEED_LENGTH]

    def item_title(self, item: MeasureUpdate) -> str:
        return f"{item.measure.localized('title')} ({item.measure.get_progress_display()})"

    def item_description(self, item: MeasureUpdate) -> str:
        return render_markdown(item.localized("text"))

    def item_pubdate(self, item: MeasureUpdate) -> datetime:
        return timezone.make_aware(datetime.combine(item.date, time(0, 0)))

    def item_updateddate(self, item: MeasureUpdate) -> datetime:
        return max(item.updated_at, self.item_pubdate(item))

    def item_link(self, item: MeasureUpdate) -> str:
        return item.get_absolute_url()
