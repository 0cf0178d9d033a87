"""The pages the CDO publishes, their sections and the CDO's tasks."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from strategy.models.publication import ENGLISH_HELP, Publishable, easy_language_field


class Page(Publishable):
    """A content page: the CDO page, the tasks and strategy intros, the legal pages."""

    HOME = "start"
    TASKS = "aufgaben"
    STRATEGY = "strategie"
    IMPRINT = "impressum"
    PRIVACY = "datenschutz"
    ACCESSIBILITY = "barrierefreiheit"
    # The start page's explanation in Leichte Sprache that BITV 2.0 (Anlage 2) requires.
    EASY_LANGUAGE = "leichte-sprache"
    # Pages with a URL of their own; every other page lives under /seite/<slug>/.
    NAMED_URLS = {
        HOME: "strategy:home",
        TASKS: "strategy:tasks",
        STRATEGY: "strategy:strategy",
        IMPRINT: "strategy:imprint",
        PRIVACY: "strategy:privacy",
        ACCESSIBILITY: "strategy:accessibility",
        EASY_LANGUAGE: "strategy:easy_language",
    }
    # Statements, not discussions: no comments (barriers are reported through the contact
    # form, as the accessibility statement says).
    LEGAL = frozenset({IMPRINT, PRIVACY, ACCESSIBILITY})
    # The explanation in Leichte Sprache is a statement too; questions go to the contact form.
    WITHOUT_COMMENTS = LEGAL | {EASY_LANGUAGE}

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
        return self.slug not in self.WITHOUT_COMMENTS


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
