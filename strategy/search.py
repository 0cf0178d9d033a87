"""Site search: PostgreSQL full text (German configuration) over registered sources.

A *search provider* names a queryset of public rows, the text-search vector of a row and
how a hit is shown. The strategy app registers its content types in `StrategyConfig.ready()`;
another app adds its own sources the same way, without the strategy app importing it:

    from strategy.search import SearchProvider, register

    class FeedbackConfig(AppConfig):
        def ready(self):
            register(SearchProvider(key="feedback.comment", label=_("Kommentar"),
                                    queryset=lambda: Comment.objects.public(), ...))

How a query is matched: the words of the query (letters and digits only, so no tsquery
syntax ever reaches PostgreSQL; at most `MAX_WORDS`) become prefix terms joined by AND, e.g.
`to_tsquery('german', 'digitalisierung:* & verl:*')`. PostgreSQL stems each term first, so
"Digitalisierung" (stem `digitalisier`) finds "digitalisierten" (`digitalisiert`) and the
compound "Digitalisierungsbeauftragter" too. Queries of one or two words also match titles
by trigram word similarity (pg_trgm), which forgives typos. One query per provider ranks up
to `MAX_HITS_PER_PROVIDER` hits by `ts_rank` (title > summary > text, plus a small trigram
bonus); the merged list is paginated, and snippets with the matching words highlighted come
from `ts_headline` only for the hits on the page shown (escaped first, then marked).

German only: the vectors and snippets cover the German fields. On English pages a hit shows
its English title where there is one (`title_language`) and its German snippet marked
`lang="de"`; English search would need `english` vectors over the `_en` fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, overload

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db.models import F, FloatField, Model, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "german"
MAX_WORDS = 8
MAX_WORD_LENGTH = 60
# Queries of up to this many words also match titles by trigram similarity.
TYPO_TOLERANT_WORDS = 2
# Hits kept per source; deeper result pages are not useful and would cost every query.
MAX_HITS_PER_PROVIDER = 100
# Private-use characters mark highlights, so escaping the snippet cannot break <mark>.
_START, _STOP = "\ue000", "\ue001"
_WORD = re.compile(r"[^\W_]+")
# A snippet may cut a link short, so the closing parenthesis is optional.
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*\)?")
_MARKDOWN_MARKUP = re.compile(r"(^|\s)#{1,6}\s|[*_`>|]+")


@dataclass(frozen=True)
class SearchProvider:
    """One searchable source.

    `queryset` returns the rows the public may see (called per search, so "published"
    is evaluated at query time). `vector` is a stored `SearchVectorField` name or a
    `SearchVector` expression. `snippet` is the field (or expression) the highlighted
    excerpt is taken from. `url` and `title` turn a row into a link; `title_language`
    names the language of that title (an English page may show a German one). `title_field`
    is matched by trigram similarity for typos (None: a source without titles skips that);
    `prefetch` names relations `url` and `title` need, loaded for the shown hits only.
    """

    key: str
    label: str
    queryset: Callable[[], QuerySet]
    vector: Any = "search_vector"
    snippet: Any = "body"
    title_field: str | None = "title"
    date_field: str | None = None
    prefetch: tuple[str, ...] = ()
    url: Callable[[Any], str] = field(default=lambda obj: obj.get_absolute_url())
    title: Callable[[Any], str] = field(default=str)
    title_language: Callable[[Any], str] = field(default=lambda obj: settings.LANGUAGE_CODE)


_providers: dict[str, SearchProvider] = {}


def register(provider: SearchProvider) -> None:
    """Add a source to the site search; registering the same key again replaces it."""
    _providers[provider.key] = provider


def registered_providers() -> list[SearchProvider]:
    return list(_providers.values())


def query_words(text: str) -> list[str]:
    """The words of a user's query: letters and digits only, lower case, bounded."""
    words = [word.lower() for word in _WORD.findall(text) if len(word) <= MAX_WORD_LENGTH]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def build_query(words: Sequence[str]) -> SearchQuery:
    # Safe to pass as raw tsquery syntax: every word is letters and digits only.
    return SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config=CONFIG)


@dataclass
class SearchResult:
    label: str
    title: str
    url: str
    snippet: SafeString
    date: datetime | None
    score: float
    is_demo: bool = False
    title_language: str = ""


@dataclass(frozen=True)
class _Hit:
    provider: SearchProvider
    pk: Any
    score: float


def _vector(provider: SearchProvider) -> Any:
    return F(provider.vector) if isinstance(provider.vector, str) else provider.vector


def _matches(provider: SearchProvider, words: Sequence[str]) -> QuerySet:
    query = build_query(words)
    vector = _vector(provider)
    score = SearchRank(vector, query)
    condition = Q(search_document=query)
    if provider.title_field and len(words) <= TYPO_TOLERANT_WORDS:
        phrase = " ".join(words)
        score = score + TrigramWordSimilarity(Value(phrase), provider.title_field) * Value(0.1)
        condition |= Q(**{f"{provider.title_field}__trigram_word_similar": phrase})
    return (
        provider.queryset()
        .annotate(search_document=vector, search_score=Cast(score, FloatField()))
        .filter(condition)
    )


def highlight(text: str) -> SafeString:
    """Escape a ts_headline excerpt and turn its markers into <mark>; drop Markdown syntax."""
    text = _MARKDOWN_MARKUP.sub(lambda match: match.group(1), _MARKDOWN_LINK.sub(r"\1", text))
    html = escape(" ".join(text.split()))
    return mark_safe(html.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


class SearchResults(Sequence[SearchResult]):
    """Ranked hits across all providers. Slicing (as the Paginator does) loads the rows and
    their snippets for that slice only: one query per provider that has hits in it."""

    def __init__(self, words: Sequence[str], hits: list[_Hit]) -> None:
        self.words = list(words)
        self._hits = hits

    def __len__(self) -> int:
        return len(self._hits)

    @overload
    def __getitem__(self, index: int) -> SearchResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[SearchResult]: ...
    def __getitem__(self, index: int | slice) -> SearchResult | list[SearchResult]:
        if isinstance(index, slice):
            return self._load(self._hits[index])
        return self._load([self._hits[index]])[0]

    def __iter__(self) -> Iterator[SearchResult]:
        return iter(self._load(self._hits))

    def _load(self, hits: list[_Hit]) -> list[SearchResult]:
        query = build_query(self.words)
        by_provider: dict[str, list[_Hit]] = {}
        for hit in hits:
            by_provider.setdefault(hit.provider.key, []).append(hit)
        rows: dict[tuple[str, Any], Model] = {}
        for key, provider_hits in by_provider.items():
            provider = provider_hits[0].provider
            headline = SearchHeadline(
                provider.snippet,
                query,
                config=CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
            queryset = provider.queryset().filter(pk__in=[hit.pk for hit in provider_hits])
            if provider.prefetch:
                queryset = queryset.prefetch_related(*provider.prefetch)
            for obj in queryset.annotate(search_snippet=headline):
                rows[(key, obj.pk)] = obj
        results = []
        for hit in hits:
            obj = rows.get((hit.provider.key, hit.pk))
            if obj is None:  # unpublished between the two queries
                continue
            date = getattr(obj, hit.provider.date_field) if hit.provider.date_field else None
            results.append(
                SearchResult(
                    label=str(hit.provider.label),
                    title=hit.provider.title(obj),
                    url=hit.provider.url(obj),
                    snippet=highlight(obj.search_snippet or ""),
                    date=date,
                    score=hit.score,
                    is_demo=getattr(obj, "is_demo", False),
                    title_language=hit.provider.title_language(obj),
                )
            )
        return results


def search(text: str, *, providers: Sequence[SearchProvider] | None = None) -> SearchResults:
    """Search the published content for `text`; best hits first."""
    words = query_words(text)
    hits: list[_Hit] = []
    if words:
        for provider in registered_providers() if providers is None else providers:
            matches = _matches(provider, words).order_by("-search_score", "pk")
            hits += [
                _Hit(provider, pk, score)
                for pk, score in matches.values_list("pk", "search_score")[:MAX_HITS_PER_PROVIDER]
            ]
    hits.sort(key=lambda hit: -hit.score)
    return SearchResults(words, hits)
