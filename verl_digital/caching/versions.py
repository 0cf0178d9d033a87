"""Version tokens in the cache: whatever is cached under a version is stale once it is bumped.

Cached pages and fragments record the tokens of the versions they were built from (see
`verl_digital.caching.pagecache`). Writes bump the versions they affect, after their transaction
commits; the next reader then finds a new token and builds afresh. Nothing is deleted by
pattern, so this works the same in Redis and in local memory (one process).

Names used by the apps:

- `CONTENT`: everything the CDO publishes (the strategy app bumps it on every change).
- `comments_of(content_type_id, object_id)`: the public comments of one content item.
- `COMMENTS`: all public comments (lists and search that span items).
- `TRANSPARENCY`: the numbers of the transparency page (bumped when they are recomputed).

The strategy app bumps `CONTENT`; the feedback app bumps the comment versions. Neither
imports the other: both only name versions here.

With Redis, every page view would ask Redis for its tokens: a network round trip that costs
more than serving the cached page itself. So each process keeps a *mirror* of the tokens it
has read and subscribes to the Redis channel `<KEY_PREFIX>:versions:bumped`, on which every
bump is announced (after the version keys are deleted). Before a read the mirror takes in
what has arrived on that subscription without waiting (one `poll`, no round trip); a bump
committed by any process is announced before its request answers, so the next page view
anywhere sees it. Only tokens read while subscribed are kept, and none longer than a minute.
When the subscription breaks, the mirror forgets everything and reads from Redis, trying to
subscribe again every few seconds. Without Redis (local memory, one process) there is no
mirror.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

CONTENT = "content"
COMMENTS = "comments"
TRANSPARENCY = "transparency"


def comments_of(content_type_id: int, object_id: int) -> str:
    return f"comments:{content_type_id}:{object_id}"


def _key(name: str) -> str:
    return f"version:{name}"


def _channel() -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:versions:bumped"


def _from_cache(names: Iterable[str]) -> dict[str, str]:
    """The tokens in the shared cache; a version never seen (or evicted) gets a new one.

    A new token is random, never a counter, so a version that was evicted from the cache
    cannot come back with a value that something stale was stored under.
    """
    keys = {name: _key(name) for name in names}
    found = cache.get_many(keys.values())
    tokens: dict[str, str] = {}
    for name, key in keys.items():
        token = found.get(key)
        if token is None:
            cache.add(key, secrets.token_hex(8), timeout=None)
            token = cache.get(key)
        tokens[name] = token
    return tokens


class Mirror:
    """This process's copy of the tokens it has read, kept current by a Redis subscription.

    `client` is a redis-py client of the cache's Redis. A token is taken from the mirror
    only while the subscription that was live when the token was read is still live, and
    for at most `max_age` seconds: a bound on staleness should an announcement ever be lost
    while the subscription looks healthy.
    """

    # After a broken subscription, how long to read from Redis before subscribing again.
    RETRY_SECONDS = 5.0
    # A mirror holds at most this many tokens; it starts over rather than grow without end.
    MAX_TOKENS = 10_000

    def __init__(self, client: Any, *, channel: str, max_age: float = 60.0) -> None:
        self.client, self.channel, self.max_age = client, channel, max_age
        self._pubsub: Any = None
        self._tokens: dict[str, tuple[str, float]] = {}
        self._retry_at = 0.0
        self._pid = os.getpid()
        self._lock = threading.Lock()

    def get(self, names: Iterable[str]) -> dict[str, str]:
        names = list(names)
        with self._lock:
            live = self._listen() is not None
            now = time.monotonic()
            tokens = {}
            missing = []
            for name in names:
                held = self._tokens.get(name) if live else None
                if held is not None and now - held[1] < self.max_age:
                    tokens[name] = held[0]
                else:
                    missing.append(name)
            if missing:
                fetched = _from_cache(missing)
                tokens.update(fetched)
                # Keep only what was read while subscribed and not bumped during the read.
                announced = self._listen() if live else None
                if announced is not None:
                    if len(self._tokens) + len(fetched) > self.MAX_TOKENS:
                        self._tokens.clear()
                    self._tokens.update(
                        (name, (token, now))
                        for name, token in fetched.items()
                        if name not in announced
                    )
            return tokens

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _listen(self) -> set[str] | None:
        """Subscribe if needed and take in the announcements so far: the names announced,
        or None while not subscribed."""
        if self._pid != os.getpid():
            # A forked child shares the parent's socket; it needs its own subscription.
            self._pubsub, self._tokens, self._pid = None, {}, os.getpid()
        announced: set[str] = set()
        try:
            if self._pubsub is None:
                if time.monotonic() < self._retry_at:
                    return None
                self._pubsub = self.client.pubsub()
                self._pubsub.subscribe(self.channel)
                # Until Redis confirms, announcements could pass us by.
                confirmation = self._pubsub.get_message(timeout=2.0)
                if not confirmation or confirmation.get("type") != "subscribe":
                    raise ConnectionError("no subscription confirmation from Redis")
            # A look at the socket first: redis-py's own check costs several times as much.
            while self._pubsub.connection.can_read(timeout=0) and (
                message := self._pubsub.get_message(timeout=0)
            ):
                if message.get("type") == "message":
                    announced.update(message["data"].decode().split("\n"))
        except Exception:  # any failure: stop trusting the mirror, read Redis
            logger.warning("Version subscription lost; reading versions from Redis", exc_info=True)
            self._drop()
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            return None
        for name in announced:
            self._tokens.pop(name, None)
        return announced

    def _drop(self) -> None:
        self._tokens.clear()
        if self._pubsub is not None:
            # The connection may be gone already; the mirror starts over either way.
            with contextlib.suppress(Exception):
                self._pubsub.close()
            self._pubsub = None


def _redis_client() -> Any | None:
    """The cache's Redis client when the cache is Redis, else None (local memory)."""
    if not hasattr(cache, "client") or not hasattr(cache.client, "get_client"):
        return None
    return cache.client.get_client(write=True)


_mirror: Mirror | None = None
# Whether this process has looked for Redis yet: without it, no lock on every read.
_mirror_decided = False
_mirror_lock = threading.Lock()


def _get_mirror() -> Mirror | None:
    global _mirror, _mirror_decided
    if not _mirror_decided:
        with _mirror_lock:
            if not _mirror_decided:
                client = _redis_client()
                _mirror = Mirror(client, channel=_channel()) if client is not None else None
                _mirror_decided = True
    return _mirror


def mirror_reset() -> None:
    """Forget this process's mirror (after the cache settings change, e.g. in tests)."""
    global _mirror, _mirror_decided
    with _mirror_lock:
        if _mirror is not None:
            _mirror.close()
        _mirror, _mirror_decided = None, False


def versions_get(names: Iterable[str]) -> dict[str, str]:
    """The current token of each version."""
    mirror = _get_mirror()
    if mirror is None:
        return _from_cache(names)
    return mirror.get(names)


def versions_bump(*names: str) -> None:
    """Make everything cached under these versions stale once the current transaction commits.

    After the commit, not before: a reader between the bump and the commit would otherwise
    cache the old data under the new token. The keys are deleted before the bump is
    announced, so a mirror that drops a token reads the new one. `robust`: a cache outage
    must not undo a write that has already committed; cached pages expire on their own
    (`PAGE_CACHE_TIMEOUT`), mirrored tokens after at most a minute.
    """
    keys = [_key(name) for name in names]

    def bump() -> None:
        cache.delete_many(keys)
        client = _redis_client()
        if client is not None:
            client.publish(_channel(), "\n".join(names))

    transaction.on_commit(bump, robust=True)
