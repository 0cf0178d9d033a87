"""One rendering of a public page for every anonymous visitor, with their own parts filled in.

Every content page carries a comment form with a CSRF token (and, for guests, a captcha), so
a page cached whole per visitor would never be hit, and rendering the page for each request
is slow. Instead a page is rendered once for all anonymous visitors with *placeholders*
where each visitor's own values go; serving it replaces each placeholder with a fresh value
for this request. Placeholders are derived from SECRET_KEY and consist of letters and digits
(they fit attributes and URL segments), so nothing a citizen or editor writes can contain
one. `register_filler(name, fill)` declares how one is filled per request: `csrf` here with
`verl_digital.caching.csrf.get_token` (Django's middleware checks it as always; during a
shared rendering `verl_digital.context_processors.per_visitor` puts the placeholder where
`{% csrf_token %}` goes), the captcha's key and question by the feedback app
(`feedback.captcha`). A stored page is kept cut at its placeholders, so serving it is one
join, not a search of the whole page per placeholder.

Views opt in with `SharedPageMixin` (class-based) or `@shared_page` (functions). The key is
the path, the query parameters the page declares (`cache_params`/`params`, plus those of
blocks on every page, `register_params`, e.g. the comments' page number), the language and a
generation derived from SECRET_KEY. A request with parameters the page does not declare may
be served from the cache but is never stored, so nobody can plant a variant for everybody;
parameters registered with `register_private_params` (a confirmation after sending) make the
page this visitor's own. Only 200 `text/html` responses without cookies are stored, and
never a rendering in which a real CSRF token was generated.

The entries live in the cache alias `pages`, never beside the rate limits and lockouts in
`default` (settings, "Caches"): however many variants somebody asks for, they can only evict
other pages. Variants are bounded all the same, so a flood cannot push out the pages people
read: a rendering that answers a parameter value other than its canonical form (a page
number that does not exist or is spelt `01`, a search without results or with stray
spaces) calls `not_stored()`, a parameter given twice is never stored, and a path keeps at
most `MAX_VARIANTS` stored variants with parameters per `PAGE_CACHE_TIMEOUT`.

A cached page records the version tokens it was built from (`depend`, see
`verl_digital.caching.versions`) and the moment it turns stale by itself (`expires`, e.g. the
next scheduled publication). It is served only while all of them still hold. Each process
also keeps its last `LOCAL_ENTRIES` pages, so a hit usually costs neither a query nor a
round trip to Redis. Signed-in users, requests with messages to show and anything but
GET/HEAD are rendered as usual; a request without a session or messages cookie is not even
asked for its user.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from verl_digital.caching import csrf
from verl_digital.caching.versions import versions_get

# Fills a placeholder for one request.
Filler = Callable[[HttpRequest], str]

_fillers: dict[str, Filler] = {}
# Query parameters read by blocks that appear on every page (the comments' page number).
_global_params: set[str] = set()
# Query parameters that make a page this visitor's own (a confirmation after sending).
_private_params: set[str] = set()


@dataclass
class _Recording:
    """What a page rendered for everybody depends on, and whether it may be kept at all."""

    versions: dict[str, str] = field(default_factory=dict)
    expires: float | None = None
    keep: bool = True


@dataclass(frozen=True)
class _Entry:
    # The page as sent, cut at its placeholders: bytes, then the name of the filler for the
    # gap, and so on; serving it joins the pieces and the visitor's values in one pass.
    parts: tuple[bytes | str, ...]
    versions: dict[str, str]
    expires: float | None


# Stored variants with query parameters per path and PAGE_CACHE_TIMEOUT (searches, filters,
# page numbers); beyond it a path's further variants are served, not stored.
MAX_VARIANTS = 300

# Part of every key: processes of two releases side by side (a rolling deploy) must not read
# each other's entries when `_Entry` changes.
ENTRY_FORMAT = 2

_recording: ContextVar[_Recording | None] = ContextVar("pagecache_recording", default=None)

# The most recently served pages of this process. A hit still checks the page's versions
# (`verl_digital.caching.versions`), but does not fetch the page itself from the shared cache again.
LOCAL_ENTRIES = 200
_local: OrderedDict[str, _Entry] = OrderedDict()
_local_lock = threading.Lock()


def _local_get(key: str) -> _Entry | None:
    with _local_lock:
        entry = _local.get(key)
        if entry is not None:
            _local.move_to_end(key)
        return entry


def _local_put(key: str, entry: _Entry) -> None:
    with _local_lock:
        _local[key] = entry
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def register_filler(name: str, fill: Filler) -> None:
    """Declare a per-visitor value `name`; `fill(request)` makes it when a page is served."""
    _fillers[name] = fill


def register_params(*names: str) -> None:
    """Query parameters that some block of any page reads, so pages vary on them."""
    _global_params.update(names)


def register_private_params(*names: str) -> None:
    """Query parameters whose pages are rendered for this visitor alone, never shared."""
    _private_params.update(names)


@lru_cache(maxsize=32)
def _placeholder(name: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"pagecache:{name}".encode(), hashlib.sha256)
    return f"{name}{digest.hexdigest()[:32]}"


def placeholder(name: str) -> str:
    """Letters and digits only, so it fits into attributes and URL path segments."""
    return _placeholder(name, settings.SECRET_KEY)


def is_shared_render() -> bool:
    return _recording.get() is not None


def depend(*names: str) -> dict[str, str]:
    """The current tokens of these versions; a page being cached records them.

    Call it before reading what the versions protect, so a change committed in between
    leaves the page stale, never wrong.
    """
    tokens = versions_get(names)
    recording = _recording.get()
    if recording is not None:
        recording.versions.update(tokens)
    return tokens


def expires(at: float | None) -> None:
    """The page being cached turns stale by itself at `at` (a Unix time), if not before."""
    recording = _recording.get()
    if recording is not None and at is not None:
        recording.expires = at if recording.expires is None else min(recording.expires, at)


def not_stored() -> None:
    """The page being rendered answers a non-canonical parameter: serve it, keep nothing."""
    recording = _recording.get()
    if recording is not None:
        recording.keep = False


def keep_page_number(request: HttpRequest, parameter: str, number: int) -> None:
    """Store `?<parameter>=` only as the paginator spells an existing page (no `01`, no 999)."""
    raw = request.GET.get(parameter)
    if raw is not None and raw != str(number):
        not_stored()


def _variant_allowed(path: str, timeout: int) -> bool:
    """Count a stored variant with parameters of `path`; False once it has MAX_VARIANTS."""
    store = caches["pages"]
    key = f"pagevariants:{hashlib.sha256(path.encode()).hexdigest()[:40]}"
    if store.add(key, 1, timeout=timeout):
        return True
    try:
        return store.incr(key) <= MAX_VARIANTS
    except ValueError:  # expired between the two calls
        return store.add(key, 1, timeout=timeout)


def _shareable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.META.get("QUERY_STRING") and not _private_params.isdisjoint(request.GET):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies:
        # Without a session there is neither a signed-in user nor a message to show; asking
        # would cost more than serving the page.
        return True
    return not request.user.is_authenticated and not len(get_messages(request))


def _cache_key(request: HttpRequest, params: Iterable[str]) -> tuple[str, bool]:
    """The key for this page; False when the request carries parameters the page ignores.

    Pages that are rendered from unknown parameters (they end up in pagination links) are
    served from the cache but not stored, so nobody can plant a variant for everybody.
    """
    query, canonical = "", True
    if request.META.get("QUERY_STRING"):
        allowed = set(params) | _global_params
        lists = request.GET.lists()
        kept = sorted((k, v) for k, values in lists if k in allowed for v in values)
        # A parameter given twice is another spelling of the page (the view reads the last).
        canonical = all(k in allowed for k in request.GET) and len(kept) == len(request.GET)
        query = urlencode(kept)
    # Processes with another SECRET_KEY have other placeholders: they keep their own pages.
    generation = placeholder("csrf")[-8:]
    return _key(request.path, query, get_language(), generation), canonical


@lru_cache(maxsize=1024)
def _key(path: str, query: str, language: str, generation: str) -> str:
    digest = hashlib.sha256(f"{path}?{query}".encode()).hexdigest()[:40]
    return f"page:{ENTRY_FORMAT}:{generation}:{language}:{digest}"


def _fresh(entry: Any) -> bool:
    if not isinstance(entry, _Entry):
        return False
    if entry.expires is not None and time.time() >= entry.expires:
        return False
    return not entry.versions or versions_get(entry.versions) == entry.versions


@lru_cache(maxsize=8)
def _placeholder_pattern(names: tuple[str, ...], secret: str) -> tuple[re.Pattern, dict]:
    marks = {_placeholder(name, secret).encode(): name for name in names}
    return re.compile(b"|".join(re.escape(mark) for mark in marks)), marks


def _split(html: bytes) -> tuple[bytes | str, ...]:
    pattern, marks = _placeholder_pattern(tuple(_fillers), settings.SECRET_KEY)
    parts: list[bytes | str] = []
    start = 0
    for match in pattern.finditer(html):
        parts += [html[start : match.start()], marks[match.group()]]
        start = match.end()
    parts.append(html[start:])
    return tuple(parts)


def _fill(request: HttpRequest, parts: tuple[bytes | str, ...]) -> bytes:
    """The page with this visitor's values; a value used twice (two forms) is made once."""
    values: dict[str, bytes] = {}
    pieces = []
    for part in parts:
        if isinstance(part, str):
            if part not in values:
                values[part] = _fillers[part](request).encode()
            part = values[part]
        pieces.append(part)
    return b"".join(pieces)


def respond(
    request: HttpRequest, render: Callable[[], HttpResponse], *, params: Iterable[str] = ()
) -> HttpResponse:
    """Serve the shared rendering of this page, rendering (and storing) it when needed.

    `params` are the query parameters the page depends on (a filter, the page number).
    """
    if not _shareable(request):
        return render()
    key, canonical = _cache_key(request, params)
    entry = _local_get(key)
    if entry is None or not _fresh(entry):
        entry = caches["pages"].get(key)
        if _fresh(entry):
            _local_put(key, entry)
        else:
            entry = None
    if entry is not None:
        return HttpResponse(_fill(request, entry.parts))
    recording = _Recording()
    token = _recording.set(recording)
    csrf_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    try:
        response = render()
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    finally:
        _recording.reset(token)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return response
    parts = _split(response.content)
    # A real token that slipped into the rendering (a template that bypassed the context
    # processor) must never be stored for others: this visitor's CSRF secret would leak.
    leaked = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != csrf_before
    keep = canonical and recording.keep and not leaked and not response.cookies
    if keep and request.GET:
        keep = _variant_allowed(request.path, settings.PAGE_CACHE_TIMEOUT)
    if keep:
        timeout = settings.PAGE_CACHE_TIMEOUT
        if recording.expires is not None:
            timeout = max(1, min(timeout, int(recording.expires - time.time()) + 1))
        entry = _Entry(parts, recording.versions, recording.expires)
        caches["pages"].set(key, entry, timeout=timeout)
        _local_put(key, entry)
    response.content = _fill(request, parts)
    return response


def shared_page(*, params: Iterable[str] = (), depends: Callable[[], None] | None = None):
    """Decorator for function views: `@shared_page(params=["q", "page"], depends=…)`.

    `depends` declares (with `depend` and `expires`) what every rendering reads.
    """
    params = tuple(params)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            def render() -> HttpResponse:
                if depends is not None:
                    depends()
                return view(request, *args, **kwargs)

            return respond(request, render, params=params)

        return wrapped

    return decorator


class SharedPageMixin:
    """Class-based views: one rendering for all anonymous visitors (see module docstring)."""

    cache_params: tuple[str, ...] = ()

    def get_cache_params(self) -> Iterable[str]:
        return self.cache_params

    def shared_depends(self) -> None:
        """Declare (with `depend` and `expires`) what every rendering of this view reads."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        parent = super().dispatch  # type: ignore[misc]

        def render() -> HttpResponse:
            self.shared_depends()
            return parent(request, *args, **kwargs)

        return respond(request, render, params=self.get_cache_params())


register_filler("csrf", csrf.get_token)
