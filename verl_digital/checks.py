"""System checks that stop a misconfigured site before it serves anybody.

They are deployment checks: gunicorn runs them when it starts (verl_digital/gunicorn_conf.py),
so an error here keeps the site from serving at all instead of answering each request with a
500, while management commands (migrate, create_admin) still run before collectstatic.
"""

from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.cache import caches
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.files.storage import storages


@register(deploy=True)
def static_files_collected(**kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off every page links its stylesheet through the manifest of collected
    static files; without the manifest each of those pages would fail."""
    storage = storages["staticfiles"]
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.read_manifest() is None:
        return [
            Error(
                f"The static files have not been collected into {settings.STATIC_ROOT}.",
                hint="Run `python manage.py collectstatic --noinput` before starting the site.",
                id="verl_digital.E001",
            )
        ]
    return []


# Policies under which Redis, when full, deletes keys that are still live.
EVICTING_POLICIES = frozenset(
    {
        "allkeys-lru",
        "allkeys-lfu",
        "allkeys-random",
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    }
)


def _redis_client(alias: str) -> Any | None:
    backend = caches[alias]
    client = getattr(backend, "client", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


@register(deploy=True)
def state_cache_never_evicts(**kwargs: Any) -> list[CheckMessage]:
    """Rate limits, lockouts and report markers live in the cache `default`: a Redis that
    evicts would let a flood of anything (cached pages above all) wipe them."""
    client = _redis_client("default")
    if client is None:
        return []
    try:
        policy = client.config_get("maxmemory-policy").get("maxmemory-policy", "")
    except Exception as error:  # CONFIG may be disabled on a managed Redis
        return [
            Warning(
                f"Could not read the maxmemory-policy of REDIS_URL's Redis ({error}).",
                hint="Make sure it is `noeviction`: it keeps the site's rate limits and lockouts.",
                id="verl_digital.W002",
            )
        ]
    if policy in EVICTING_POLICIES:
        return [
            Error(
                f"REDIS_URL's Redis evicts keys (maxmemory-policy {policy}), and it keeps the "
                "rate limits and login lockouts.",
                hint="Set `maxmemory-policy noeviction` there; cached pages belong on "
                "PAGE_CACHE_URL, a Redis of its own that may evict.",
                id="verl_digital.E002",
            )
        ]
    return []


@register(deploy=True)
def pages_apart_from_state(**kwargs: Any) -> list[CheckMessage]:
    """Pages on the state's Redis would fill it (noeviction: writes fail) or evict it."""
    state, pages = _redis_client("default"), _redis_client("pages")
    if state is None or pages is None:
        return []
    where = [
        (
            c.connection_pool.connection_kwargs.get("host"),
            c.connection_pool.connection_kwargs.get("port"),
        )
        for c in (state, pages)
    ]
    if where[0] == where[1]:
        return [
            Error(
                "PAGE_CACHE_URL and REDIS_URL name the same Redis server.",
                hint="Cached pages need a Redis of their own with an evicting policy "
                "(e.g. allkeys-lru and a maxmemory); REDIS_URL's must never evict.",
                id="verl_digital.E003",
            )
        ]
    return []
