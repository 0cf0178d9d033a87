"""What the strategy app contributes to the site search (see strategy/search.py)."""

from django.contrib.postgres.search import SearchVector
from django.db.models import TextField, Value
from django.db.models.functions import Concat

from strategy.models import (
    ActionField,
    BestPractice,
    Event,
    Measure,
    MeasureUpdate,
    Network,
    NewsPost,
    Page,
    Project,
    Section,
    Task,
)
from strategy.search import CONFIG, SearchProvider


def _text(*names: str) -> Concat:
    """Fields joined by line breaks, as the text a snippet is taken from."""
    parts: list = []
    for name in names:
        parts += [name, Value("\n")]
    return Concat(*parts[:-1], output_field=TextField())


# Titles in the page's language where given; the text searched and quoted stays German.
_localized_title = {
    "title": lambda obj: obj.localized("title"),
    "title_language": lambda obj: obj.localized_language("title"),
}


def _published(model, **kwargs) -> SearchProvider:
    """The published rows of `model`, named after it."""
    kwargs.setdefault("queryset", lambda: model.objects.published())
    return SearchProvider(key=model._meta.label_lower, label=model._meta.verbose_name, **kwargs)


def _content(model, **kwargs) -> SearchProvider:
    """A ContentItem model: stored search vector, snippet from summary and text."""
    kwargs.setdefault("snippet", _text("summary", "body"))
    return _published(model, **{**_localized_title, **kwargs})


def strategy_providers() -> list[SearchProvider]:
    # Pages, sections, tasks and notes are few and short, so their vectors are computed
    # at query time rather than stored.
    return [
        _published(
            Page,
            vector=SearchVector("title", weight="A", config=CONFIG)
            + SearchVector("intro", weight="B", config=CONFIG)
            + SearchVector("body", weight="C", config=CONFIG),
            snippet=_text("intro", "body"),
            **_localized_title,
        ),
        _published(
            Section,
            queryset=lambda: Section.objects.published().select_related("page"),
            vector=SearchVector("title", weight="A", config=CONFIG)
            + SearchVector("body", weight="C", config=CONFIG),
            title=lambda section: (
                f"{section.page.localized('title')}: {section.localized('title')}"
            ),
            title_language=lambda section: section.localized_language("title"),
        ),
        _published(
            Task,
            vector=SearchVector("title", weight="A", config=CONFIG)
            + SearchVector("body", weight="C", config=CONFIG),
            snippet=_text("title", "body"),
            **_localized_title,
        ),
        _content(ActionField),
        _content(Measure, date_field="updated_at"),
        _published(
            MeasureUpdate,
            queryset=lambda: MeasureUpdate.objects.published().select_related("measure"),
            vector=SearchVector("measure__title", weight="A", config=CONFIG)
            + SearchVector("text", weight="C", config=CONFIG),
            snippet="text",
            title_field="measure__title",
            date_field="date",
            title=lambda update: update.measure.localized("title"),
            title_language=lambda update: update.measure.localized_language("title"),
        ),
        _content(Project),
        _content(BestPractice, snippet=_text("summary", "body", "assessment")),
        _content(Event, date_field="starts_at"),
        _content(NewsPost, date_field="publish_at"),
        _content(Network),
    ]
