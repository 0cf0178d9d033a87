"""Version tokens in a real Redis, and each process's mirror of them.

Two `Mirror` objects on their own connections stand for two web processes: a bump committed
through one is seen by the other on its very next read, while unchanged tokens are served
without asking Redis at all.
"""

from collections.abc import Iterator

import pytest
import redis
from django.core.cache import cache

from verl_digital.caching import versions
from verl_digital.caching.versions import Mirror, versions_bump, versions_get

# The channel versions_bump announces on, with the KEY_PREFIX of `redis_cache`.
CHANNEL = "test:versions:bumped"

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings, redis_url) -> Iterator[redis.Redis]:
    """The site's cache in the private Redis, as with REDIS_URL set."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "test",
        }
    }
    versions.mirror_reset()
    yield client
    versions.mirror_reset()
    client.close()


def mirror(client: redis.Redis, **kwargs) -> Mirror:
    return Mirror(redis.Redis(connection_pool=client.connection_pool), channel=CHANNEL, **kwargs)


def commands_processed(client: redis.Redis) -> int:
    return client.info("stats")["total_commands_processed"]


def bump(django_capture_on_commit_callbacks, *names: str) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        versions_bump(*names)


def test_versions_live_in_the_cache_and_change_on_bump(
    redis_cache, django_capture_on_commit_callbacks
):
    first = versions_get(["content", "comments"])
    assert versions_get(["content", "comments"]) == first
    assert cache.get("version:content") == first["content"]

    bump(django_capture_on_commit_callbacks, "content")

    second = versions_get(["content", "comments"])
    assert second["content"] != first["content"]
    assert second["comments"] == first["comments"]


def test_a_bump_is_not_visible_before_the_transaction_commits(
    redis_cache, django_capture_on_commit_callbacks
):
    before = versions_get(["content"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        versions_bump("content")
        assert versions_get(["content"]) == before
    for callback in callbacks:
        callback()
    assert versions_get(["content"]) != before


def test_a_mirror_answers_repeated_reads_without_asking_redis(redis_cache):
    reader = mirror(redis_cache)
    tokens = reader.get(["content", "comments:1:2"])
    before = commands_processed(redis_cache)

    for _ in range(50):
        assert reader.get(["content", "comments:1:2"]) == tokens

    # Only the INFO of `commands_processed` itself.
    assert commands_processed(redis_cache) - before == 1


def test_a_bump_through_one_process_is_seen_by_the_others_next_read(
    redis_cache, django_capture_on_commit_callbacks
):
    first, second = mirror(redis_cache), mirror(redis_cache)
    old = first.get(["content", "comments"])
    assert second.get(["content", "comments"]) == old

    bump(django_capture_on_commit_callbacks, "content")

    for reader in (first, second):
        new = reader.get(["content", "comments"])
        assert new["content"] != old["content"]
        assert new["comments"] == old["comments"]
    assert first.get(["content"]) == second.get(["content"])


def test_a_lost_subscription_falls_back_to_redis_and_misses_no_bump(redis_cache):
    reader = mirror(redis_cache)
    old = reader.get(["content"])
    # Redis drops the subscriber (a restart, a network break): the announcement is lost.
    redis_cache.client_kill_filter(_type="pubsub")
    redis_cache.delete(cache.make_key("version:content"))

    assert reader.get(["content"]) != old


def test_a_mirror_token_is_read_again_after_its_maximum_age(redis_cache):
    reader = mirror(redis_cache, max_age=0.0)
    old = reader.get(["content"])
    # Changed behind the mirror's back, without an announcement.
    redis_cache.delete(cache.make_key("version:content"))

    assert reader.get(["content"]) != old


def test_without_redis_the_cache_alone_holds_the_versions(
    settings, django_capture_on_commit_callbacks
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    versions.mirror_reset()
    old = versions_get(["content"])
    assert versions._get_mirror() is None

    bump(django_capture_on_commit_callbacks, "content")

    assert versions_get(["content"]) != old
