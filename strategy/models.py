from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("Veröffentlicht")


class PublishableQuerySet(models.QuerySet):
    def published(self) -> PublishableQuerySet:
        return self.filter(status=PublicationStatus.PUBLISHED, publish_at__lte=timezone.now())

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


class Publishable(models.Model):
    """Something the CDO writes and publishes: a page, a section, a task, later news."""

    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname (URL)"), max_length=200, allow_unicode=False)
    body = models.TextField(
        _("Text"),
        blank=True,
        help_text=_("Markdown: **fett**, *kursiv*, [Link](https://…), Listen mit -"),
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=PublicationStatus, default=PublicationStatus.DRAFT
    )
    publish_at = models.DateTimeField(
        _("Veröffentlichen ab"),
        default=timezone.now,
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

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED and self.publish_at <= timezone.now()


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

    intro = models.TextField(
        _("Einleitung"), blank=True, help_text=_("Kurzer Text für Übersichten und Suchmaschinen.")
    )
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


class Section(Publishable):
    """A titled part of a page, e.g. "Ziel ist es" or "Aufgaben" on the CDO page."""

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


class SeedRecord(models.Model):
    """What `load_verl_content` wrote, so a later run can tell an editor's change from its own."""

    key = models.CharField(_("Schlüssel"), max_length=255, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    checksum = models.CharField(_("Prüfsumme"), max_length=64)
    loaded_at = models.DateTimeField(_("geladen"), auto_now=True)

    class Meta:
        verbose_name = _("geladener Standardinhalt")
        verbose_name_plural = _("geladene Standardinhalte")

    def __str__(self) -> str:
        return self.key
