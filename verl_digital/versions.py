"""Version tokens in the cache: whatever is cached under a version is stale once it is bumped.

Cached pages and fragments record the tokens of the versions they were built from (see
`verl_digital.pagecache`). Writes bump the versions they affect, after their transaction
commits; the next reader then finds a new token and builds afresh. Nothing is deleted by
pattern, so this works the same in Redis and in local memory (one process).

Names used by the apps:

- `CONTENT`: everything the CDO publishes (the strategy app bumps it on every change).
- `comments_of(content_type_id, object_id)`: the public comments of one content item.
- `COMMENTS`: all public comments (lists and search that span items).

The strategy app bumps `CONTENT`; the feedback app bumps the comment versions. Neither
imports the other: both only name versions here.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

CONTENT = "content"
COMMENTS = "comments"


def comments_of(content_type_id: int, object_id: int) -> str:
    return f"comments:{content_type_id}:{object_id}"


def _key(name: str) -> str:
    return f"version:{name}"


def versions_get(names: Iterable[str]) -> dict[str, str]:
    """The current token of each version; a version never seen (or evicted) gets a new one.

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


def versions_bump(*names: str) -> None:
    """Make everything cached under these versions stale once the current transaction commits.

    After the commit, not before: a reader between the bump and the commit would otherwise
    cache the old data under the new token. `robust`: a cache outage must not undo a write
    that has already committed; cached pages expire on their own (`PAGE_CACHE_TIMEOUT`).
    """
    keys = [_key(name) for name in names]
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)
