"""Publication and languages, shared by every content model: the one publication condition
(`publication_q`), `Publishable`, `Translatable`. The package docstring says how they work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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
        """The items citizens may comment on (`takes_comments`): all but the legal pages and
        the explanation in Leichte Sprache (`Page.WITHOUT_COMMENTS`)."""
        without = getattr(self.model, "WITHOUT_COMMENTS", frozenset())
        return self.exclude(slug__in=without) if without else self

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
