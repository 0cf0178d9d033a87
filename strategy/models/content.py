"""The strategy content: action fields, measures with progress notes, projects, best
practice, events, news and networks, each searchable and with its history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from strategy.base import text_normalize
from strategy.models.publication import (
    ENGLISH_HELP,
    Publishable,
    PublishableQuerySet,
    Translatable,
    easy_language_field,
)


def search_vector(*extra: str) -> models.GeneratedField:
    vector = (
        SearchVector("title", weight="A", config="german")
        + SearchVector("summary", weight="B", config="german")
        + SearchVector("body", *extra, weight="C", config="german")
    )
    return models.GeneratedField(
        expression=vector, output_field=SearchVectorField(), db_persist=True, editable=False
    )


def content_history(**kwargs: Any) -> HistoricalRecords:
    # The search vector is derived from the other fields; keeping it in history adds nothing.
    return HistoricalRecords(excluded_fields=["search_vector"], **kwargs)


def content_indexes(prefix: str) -> list[models.Index]:
    return [
        models.Index(fields=["status", "publish_at"], name=f"{prefix}_published_idx"),
        GinIndex(fields=["search_vector"], name=f"{prefix}_search_idx"),
        GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name=f"{prefix}_title_trgm_idx"),
    ]


class ContentItem(Publishable):
    """Strategy content with a teaser and a marker for the demo set."""

    summary = models.CharField(
        _("Kurzbeschreibung"),
        max_length=300,
        blank=True,
        help_text=_("Ein oder zwei Sätze für Übersichten, Suche und Feeds."),
    )
    summary_en = models.CharField(
        _("Kurzbeschreibung auf Englisch"), max_length=300, blank=True, help_text=ENGLISH_HELP
    )
    easy_language = easy_language_field()
    is_demo = models.BooleanField(
        _("Beispielinhalt"),
        default=False,
        help_text=_("Wird öffentlich als Beispiel gekennzeichnet; vor dem Start löschen."),
    )
    # German only: the site search reads German text (see strategy/search.py).
    search_vector = search_vector()

    # Paths beside the detail pages of a type (e.g. /neuigkeiten/feed/) that a slug must not take.
    RESERVED_SLUGS = frozenset({"feed"})

    class Meta(Publishable.Meta):
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.slug in self.RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("Dieser Kurzname ist für eine andere Seite reserviert.")}
            )

    def _teaser_field(self) -> str:
        # The active language's summary or text before the German ones.
        for name in ("summary", "body"):
            field = self.localized_field(name)
            if field != name:
                return field
        return "summary" if self.summary else "body"

    @property
    def teaser(self) -> str:
        """The summary, else the text; in the active language where there is one."""
        return getattr(self, self._teaser_field())

    @property
    def teaser_language(self) -> str:
        name = self._teaser_field()
        return settings.LANGUAGE_CODE if name in ("summary", "body") else get_language()


class ActionField(ContentItem):
    """A Handlungsfeld of the digitalisation strategy; it groups measures."""

    history = content_history()

    class Meta(ContentItem.Meta):
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        constraints = [models.UniqueConstraint(fields=["slug"], name="actionfield_unique_slug")]
        indexes = content_indexes("actionfield")

    def get_absolute_url(self) -> str:
        return reverse("strategy:actionfield", kwargs={"slug": self.slug})


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    IN_PROGRESS = "in_progress", _("in Umsetzung")
    DONE = "done", _("umgesetzt")
    DEFERRED = "deferred", _("zurückgestellt")


class Measure(ContentItem):
    """A Maßnahme: a concrete step within an action field, with its state of implementation."""

    # Which states of implementation may follow which; `services.measure_set_status` checks
    # it. A finished measure can be reopened, but not planned or deferred again.
    TRANSITIONS: dict[str, frozenset[str]] = {
        MeasureStatus.PLANNED: frozenset(
            {MeasureStatus.IN_PROGRESS, MeasureStatus.DONE, MeasureStatus.DEFERRED}
        ),
        MeasureStatus.IN_PROGRESS: frozenset(
            {MeasureStatus.PLANNED, MeasureStatus.DONE, MeasureStatus.DEFERRED}
        ),
        MeasureStatus.DONE: frozenset({MeasureStatus.IN_PROGRESS}),
        MeasureStatus.DEFERRED: frozenset({MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS}),
    }

    publication_parents = ("action_field",)

    action_field = models.ForeignKey(
        ActionField,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("Handlungsfeld"),
    )
    progress = models.CharField(
        _("Umsetzungsstand"), max_length=20, choices=MeasureStatus, default=MeasureStatus.PLANNED
    )
    department = models.CharField(
        _("Verantwortlich"),
        max_length=200,
        blank=True,
        help_text=_("Fachbereich oder Stelle, die die Maßnahme umsetzt."),
    )
    target_date = models.DateField(_("Zieldatum"), null=True, blank=True)

    history = content_history()

    class Meta(ContentItem.Meta):
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["action_field__position", "action_field__title", "position", "title"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="measure_unique_slug")]
        indexes = [
            *content_indexes("measure"),
            models.Index(fields=["progress"], name="measure_progress_idx"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("strategy:measure", kwargs={"slug": self.slug})


class MeasureUpdateQuerySet(models.QuerySet):
    def due(self) -> MeasureUpdateQuerySet:
        """Notes dated today or earlier: a note with a future date appears on its day."""
        return self.filter(date__lte=timezone.localdate())

    def published(self) -> MeasureUpdateQuerySet:
        """Due notes on measures the public may see."""
        return self.due().filter(measure__in=Measure.objects.published())


class MeasureUpdate(Translatable, models.Model):
    """A dated progress note on a measure (Umsetzungsstand)."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="updates", verbose_name=_("Maßnahme")
    )
    date = models.DateField(
        _("Datum"),
        default=timezone.localdate,
        help_text=_("Ein Datum in der Zukunft zeigt die Notiz erst an diesem Tag."),
    )
    text = models.TextField(_("Notiz"), help_text=_("Markdown"))
    text_en = models.TextField(_("Notiz auf Englisch"), blank=True, help_text=ENGLISH_HELP)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    objects = MeasureUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Fortschrittsnotiz")
        verbose_name_plural = _("Fortschrittsnotizen")
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["measure", "date"], name="measureupdate_date_idx")]

    def __str__(self) -> str:
        return f"{self.measure}: {date_format(self.date, 'SHORT_DATE_FORMAT')}"

    def get_absolute_url(self) -> str:
        return f"{self.measure.get_absolute_url()}#notiz-{self.pk}"

    def clean(self) -> None:
        super().clean()
        text_normalize(self)


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("in Vorbereitung")
    RUNNING = "running", _("laufend")
    COMPLETED = "completed", _("abgeschlossen")


class Project(ContentItem):
    """A digital project or initiative, linked to the measures it serves."""

    measures = models.ManyToManyField(
        Measure, blank=True, related_name="projects", verbose_name=_("Maßnahmen")
    )
    progress = models.CharField(
        _("Projektstand"), max_length=20, choices=ProjectStatus, default=ProjectStatus.PLANNED
    )
    is_smart_city = models.BooleanField(
        _("Smart City"),
        default=False,
        help_text=_("Gehört zu den „Smart City“-Konzepten der Stadt."),
    )
    partners = models.CharField(_("Beteiligte"), max_length=300, blank=True)

    history = content_history(m2m_fields=[measures])

    class Meta(ContentItem.Meta):
        verbose_name = _("Projekt")
        verbose_name_plural = _("Projekte")
        constraints = [models.UniqueConstraint(fields=["slug"], name="project_unique_slug")]
        indexes = content_indexes("project")

    def get_absolute_url(self) -> str:
        return reverse("strategy:project", kwargs={"slug": self.slug})


class ReviewStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("in Prüfung")
    REVIEWED = "reviewed", _("geprüft")
    ADOPTED = "adopted", _("übernommen")
    REJECTED = "rejected", _("verworfen")


class BestPractice(ContentItem):
    """A digitalisation project of another town, with the CDO's assessment for the town."""

    town = models.CharField(_("Kommune"), max_length=200)
    url = models.URLField(_("Link"), blank=True, max_length=500)
    assessment = models.TextField(
        _("Einschätzung des CDO"),
        blank=True,
        help_text=_("Markdown: Was bedeutet das für unsere Kommune?"),
    )
    assessment_en = models.TextField(
        _("Einschätzung des CDO auf Englisch"), blank=True, help_text=ENGLISH_HELP
    )
    review = models.CharField(
        _("Prüfstand"), max_length=20, choices=ReviewStatus, default=ReviewStatus.IN_REVIEW
    )
    search_vector = search_vector("town", "assessment")

    history = content_history()

    class Meta(ContentItem.Meta):
        verbose_name = _("Best Practice")
        verbose_name_plural = _("Best Practice")
        constraints = [models.UniqueConstraint(fields=["slug"], name="bestpractice_unique_slug")]
        indexes = content_indexes("bestpractice")

    def get_absolute_url(self) -> str:
        return reverse("strategy:bestpractice", kwargs={"slug": self.slug})


class EventQuerySet(PublishableQuerySet):
    def upcoming(self) -> EventQuerySet:
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at", "title")

    def past(self) -> EventQuerySet:
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at", "title")


class Event(ContentItem):
    """A Dialogangebot: an event for citizens, society and business, on site or online."""

    RESERVED_SLUGS = frozenset({"archiv", "feed", "kalender"})

    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    location = models.CharField(
        _("Ort"), max_length=300, blank=True, help_text=_("Adresse oder Raum; leer bei online.")
    )
    online_url = models.URLField(_("Online-Link"), blank=True, max_length=500)
    registration = models.TextField(
        _("Anmeldung"), blank=True, help_text=_("Wie und bis wann man sich anmeldet (Markdown).")
    )
    registration_en = models.TextField(
        _("Anmeldung auf Englisch"), blank=True, help_text=ENGLISH_HELP
    )
    search_vector = search_vector("location")

    objects = EventQuerySet.as_manager()
    history = content_history()

    class Meta(ContentItem.Meta):
        verbose_name = _("Dialogangebot")
        verbose_name_plural = _("Dialogangebote")
        ordering = ["starts_at", "title"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="event_unique_slug")]
        indexes = [
            *content_indexes("event"),
            models.Index(fields=["ends_at", "starts_at"], name="event_dates_idx"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("strategy:event", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("Das Ende darf nicht vor dem Beginn liegen.")
        if not self.location and not self.online_url:
            errors["location"] = _("Bitte geben Sie einen Ort oder einen Online-Link an.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    def get_ics_url(self) -> str:
        return reverse("strategy:event_ics", kwargs={"slug": self.slug})


class NewsPost(ContentItem):
    """A news item (Neuigkeit); its publish date is the date shown."""

    history = content_history()

    class Meta(ContentItem.Meta):
        verbose_name = _("Neuigkeit")
        verbose_name_plural = _("Neuigkeiten")
        ordering = ["-publish_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="newspost_unique_slug")]
        indexes = content_indexes("newspost")

    def get_absolute_url(self) -> str:
        return reverse("strategy:news", kwargs={"slug": self.slug})


class NetworkKind(models.TextChoices):
    NETWORK = "network", _("Netzwerk")
    WORKING_GROUP = "working_group", _("Arbeitsgruppe")
    CONFERENCE = "conference", _("Fachkonferenz")


class Network(ContentItem):
    """A network, working group or conference series in which the CDO represents the town."""

    kind = models.CharField(
        _("Art"), max_length=20, choices=NetworkKind, default=NetworkKind.NETWORK
    )
    url = models.URLField(_("Website"), blank=True, max_length=500)

    history = content_history()

    class Meta(ContentItem.Meta):
        verbose_name = _("Netzwerk")
        verbose_name_plural = _("Netzwerke")
        constraints = [models.UniqueConstraint(fields=["slug"], name="network_unique_slug")]
        indexes = content_indexes("network")

    def get_absolute_url(self) -> str:
        return reverse("strategy:network", kwargs={"slug": self.slug})
