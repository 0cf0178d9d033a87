"""What the CDO publishes: pages with sections and tasks, and the strategy content (action
fields, measures with dated progress notes, projects, best practice, events, news, networks).

Publication: a `Publishable` has a status (draft or published) and `publish_at`. Citizens see
it as a draft, scheduled (published with a future date) or published, decided at query time
by `publication_q`, the one publication condition, over the item and everything it is
published under (`publication_parents`: a section's page, a measure's action field). So a
scheduled item appears without a job, and nothing under an unpublished parent is public.
Public views read through `published()`; `visible_to(user)` adds drafts for staff who may
preview them (views pass `strategy.views.preview_user`: only after the second factor). A progress note is public from its date on, on a published measure.

Languages: `Translatable` reads plain fields `<name>_<language>` (`title_en`), German being
the fallback. Plain fields rather than django-modeltranslation: the search vectors are
generated columns over the German fields, simple-history records the fields as they are,
managers and lookups stay untouched and migrations stay auto-generated. Another language
needs a `LANGUAGES` entry, its `<name>_<code>` fields and `locale/<code>/`.

Search: `ContentItem.search_vector` is a generated column (`german` configuration; title A,
summary B, text C) with a GIN index, beside a trigram index on the title (`strategy.search`).
History: every content model keeps its history (django-simple-history; a project's links to
measures too), the search vector excluded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from strategy.base import now_to_the_minute, text_normalize


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("Veröffentlicht")


class PublicationState(models.TextChoices):
    """What citizens see: a published item with a future date is scheduled, not yet public."""

    DRAFT = "draft", _("Entwurf")
    SCHEDULED = "scheduled", _("Geplant")
    PUBLISHED = "published", _("Veröffentlicht")


def publication_q(state: str, *, prefixes: Sequence[str] = ("",)) -> Q:
    """The one publication condition: a filter for the rows citizens see as `state`.

    Each prefix names a row whose `status` and `publish_at` count: "" the row itself,
    "action_field__" a related one. The strictest of them decides: a draft anywhere makes a
    draft; else a future date anywhere makes it scheduled; else it is published.
    `Publishable.publication_state` is the same rule on an object and its parents.
    """
    now = timezone.now()
    if state == PublicationState.DRAFT:
        return Q(*[Q(**{f"{p}status": PublicationStatus.DRAFT}) for p in prefixes], _connector=Q.OR)
    released = Q(*[Q(**{f"{p}status": PublicationStatus.PUBLISHED}) for p in prefixes])
    if state == PublicationState.SCHEDULED:
        future = [Q(**{f"{p}publish_at__gt": now}) for p in prefixes]
        return released & Q(*future, _connector=Q.OR)
    if state == PublicationState.PUBLISHED:
        return released & Q(*[Q(**{f"{p}publish_at__lte": now}) for p in prefixes])
    raise ValueError(f"Unknown publication state: {state!r}")


class PublishableQuerySet(models.QuerySet):
    def in_state(self, state: str, *, parents: bool = True) -> PublishableQuerySet:
        """The items citizens see as drafts, scheduled or published (`PublicationState`):
        with `parents=False` by their own status and date only."""
        prefixes = self.model.publication_prefixes() if parents else [""]
        return self.filter(publication_q(state, prefixes=prefixes))

    def published(self) -> PublishableQuerySet:
        return self.in_state(PublicationState.PUBLISHED)

    def scheduled(self, *, parents: bool = True) -> PublishableQuerySet:
        return self.in_state(PublicationState.SCHEDULED, parents=parents)

    def taking_comments(self) -> PublishableQuerySet:
        """The items citizens may comment on (`takes_comments`): all but the legal pages."""
        legal = getattr(self.model, "LEGAL", frozenset())
        return self.exclude(slug__in=legal) if legal else self

    def visible_to(self, user: Any) -> PublishableQuerySet:
        """Published items for the public; everything for staff who may preview drafts."""
        if can_preview(user, self.model):
            return self.all()
        return self.published()


def can_preview(user: Any, model: type[models.Model]) -> bool:
    opts = model._meta
    return bool(
        user is not None
        and user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


class Translatable:
    """Text fields with variants per language: `title` is German, `title_en` its English.

    German is written first and is the fallback: `localized("title")` gives the variant of
    the active language when it is filled in, otherwise the German text, and
    `localized_language("title")` says which language that text is in (for `lang`).
    """

    def localized_field(self, name: str) -> str:
        language = get_language()
        if language and language != settings.LANGUAGE_CODE:
            variant = f"{name}_{language}"
            if getattr(self, variant, ""):
                return variant
        return name

    def localized(self, name: str) -> str:
        return getattr(self, self.localized_field(name))

    def localized_language(self, name: str) -> str:
        if self.localized_field(name) == name:
            return settings.LANGUAGE_CODE
        return get_language()


# Help text of every English variant field.
ENGLISH_HELP = _("Freiwillig. Leer gelassen, zeigt die englische Seite den deutschen Text.")


def easy_language_field() -> models.TextField:
    return models.TextField(
        _("Leichte Sprache"),
        blank=True,
        help_text=_(
            "Freiwillig: das Wichtigste dieser Seite in Leichter Sprache (Markdown). Erscheint "
            "auf der Seite als eigener, aufklappbarer Abschnitt."
        ),
    )


def _publication_state(items: Sequence[Publishable]) -> PublicationState:
    """`publication_q` on objects: the strictest state of the items decides."""
    if any(item.status == PublicationStatus.DRAFT for item in items):
        return PublicationState.DRAFT
    if max(item.publish_at for item in items) > timezone.now():
        return PublicationState.SCHEDULED
    return PublicationState.PUBLISHED


class Publishable(Translatable, models.Model):
    """Something the CDO writes and publishes: a page, a section, a task, later news."""

    # The foreign keys to what the item is published under (a section's page): it is
    # public only while they are too, in the QuerySets and on the object alike.
    publication_parents: tuple[str, ...] = ()
    # Whether citizens may comment on the item (feedback's `comments_for` and its service
    # read it); the legal pages say no.
    takes_comments: bool = True

    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname (URL)"), max_length=200, allow_unicode=False)
    body = models.TextField(
        _("Text"),
        blank=True,
        help_text=_("Markdown: **fett**, *kursiv*, [Link](https://…), Listen mit -"),
    )
    title_en = models.CharField(
        _("Titel auf Englisch"), max_length=200, blank=True, help_text=ENGLISH_HELP
    )
    body_en = models.TextField(_("Text auf Englisch"), blank=True, help_text=ENGLISH_HELP)
    status = models.CharField(
        _("Status"), max_length=20, choices=PublicationStatus, default=PublicationStatus.DRAFT
    )
    publish_at = models.DateTimeField(
        _("Veröffentlichen ab"),
        default=now_to_the_minute,
        help_text=_("Ein Datum in der Zukunft veröffentlicht den Eintrag erst dann."),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        text_normalize(self)

    @classmethod
    def publication_prefixes(cls, prefix: str = "") -> list[str]:
        """The lookup prefixes of the item and its parents: ["", "page__"] for a section."""
        prefixes = [prefix]
        for name in cls.publication_parents:
            parent = cls._meta.get_field(name).related_model
            prefixes += parent.publication_prefixes(f"{prefix}{name}__")
        return prefixes

    def publication_chain(self) -> list[Publishable]:
        """The item and the items it is published under."""
        chain: list[Publishable] = [self]
        for name in self.publication_parents:
            chain += getattr(self, name).publication_chain()
        return chain

    @property
    def is_published(self) -> bool:
        return self.publication_state == PublicationState.PUBLISHED

    @property
    def publication_state(self) -> PublicationState:
        """What citizens see of it, its parents included."""
        return _publication_state(self.publication_chain())

    @property
    def own_publication_state(self) -> PublicationState:
        """What its own status and date say, whatever its parents say."""
        return _publication_state([self])

    @property
    def public_from(self) -> datetime:
        """When a published item appears: the latest date of it and its parents."""
        return max(item.publish_at for item in self.publication_chain())


class Page(Publishable):
    """A content page: the CDO page, the tasks and strategy intros, the legal pages."""

    HOME = "start"
    TASKS = "aufgaben"
    STRATEGY = "strategie"
    IMPRINT = "impressum"
    PRIVACY = "datenschutz"
    ACCESSIBILITY = "barrierefreiheit"
    # Pages with a URL of their own; every other page lives under /seite/<slug>/.
    NAMED_URLS = {
        HOME: "strategy:home",
        TASKS: "strategy:tasks",
        STRATEGY: "strategy:strategy",
        IMPRINT: "strategy:imprint",
        PRIVACY: "strategy:privacy",
        ACCESSIBILITY: "strategy:accessibility",
    }
    # Statements, not discussions: no comments (barriers are reported through the contact
    # form, as the accessibility statement says).
    LEGAL = frozenset({IMPRINT, PRIVACY, ACCESSIBILITY})

    intro = models.TextField(
        _("Einleitung"), blank=True, help_text=_("Kurzer Text für Übersichten und Suchmaschinen.")
    )
    intro_en = models.TextField(_("Einleitung auf Englisch"), blank=True, help_text=ENGLISH_HELP)
    easy_language = easy_language_field()
    history = HistoricalRecords()

    class Meta(Publishable.Meta):
        verbose_name = _("Seite")
        verbose_name_plural = _("Seiten")
        constraints = [models.UniqueConstraint(fields=["slug"], name="page_unique_slug")]
        indexes = [models.Index(fields=["status", "publish_at"], name="page_published_idx")]

    def get_absolute_url(self) -> str:
        name = self.NAMED_URLS.get(self.slug)
        if name:
            return reverse(name)
        return reverse("strategy:page", kwargs={"slug": self.slug})

    @property
    def takes_comments(self) -> bool:  # type: ignore[override]
        return self.slug not in self.LEGAL


class Section(Publishable):
    """A titled part of a page, e.g. "Ziel ist es" or "Aufgaben" on the CDO page."""

    publication_parents = ("page",)

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="sections", verbose_name=_("Seite")
    )
    includes_task_list = models.BooleanField(
        _("Aufgabenliste anzeigen"),
        default=False,
        help_text=_("Zeigt nach dem Text die veröffentlichten Aufgaben als Liste."),
    )
    history = HistoricalRecords()

    class Meta(Publishable.Meta):
        verbose_name = _("Abschnitt")
        verbose_name_plural = _("Abschnitte")
        constraints = [
            models.UniqueConstraint(fields=["page", "slug"], name="section_unique_slug_per_page")
        ]

    def get_absolute_url(self) -> str:
        return f"{self.page.get_absolute_url()}#{self.slug}"


class Task(Publishable):
    """One item of the CDO's list of tasks (Aufgaben)."""

    history = HistoricalRecords()

    class Meta(Publishable.Meta):
        verbose_name = _("Aufgabe")
        verbose_name_plural = _("Aufgaben")
        constraints = [models.UniqueConstraint(fields=["slug"], name="task_unique_slug")]

    def get_absolute_url(self) -> str:
        return f"{reverse('strategy:tasks')}#aufgabe-{self.slug}"


# --- Strategy content ---------------------------------------------------------------------
# Each model below stores a weighted German full-text vector (title > summary > body) as a
# generated column, so search reads a GIN index instead of parsing every row per query.


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
    """A digitalisation project of another town, with the CDO's assessment for Verl."""

    town = models.CharField(_("Kommune"), max_length=200)
    url = models.URLField(_("Link"), blank=True, max_length=500)
    assessment = models.TextField(
        _("Einschätzung des CDO"), blank=True, help_text=_("Markdown: Was bedeutet das für Verl?")
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
    """A network, working group or conference series in which the CDO represents Verl."""

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


class SeedRecord(models.Model):
    """What `load_verl_content` wrote, so a later run can tell an editor's change from its own."""

    key = models.CharField(_("Schlüssel"), max_length=255, unique=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("Inhaltstyp")
    )
    object_id = models.PositiveBigIntegerField(_("Objekt-ID"))
    checksum = models.CharField(_("Prüfsumme"), max_length=64)
    loaded_at = models.DateTimeField(_("geladen"), auto_now=True)

    class Meta:
        verbose_name = _("geladener Standardinhalt")
        verbose_name_plural = _("geladene Standardinhalte")

    def __str__(self) -> str:
        return self.key
