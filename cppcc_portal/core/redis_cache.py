"""Django's Redis cache, with one Redis client per connection pool, that survives Redis being down.

- Django's client builds a new `redis.Redis` object for every cache call (a get, a set), and each
  build fills its table of a few hundred response callbacks: about as long as the round trip to
  Redis itself. A client holds no state of its own besides its pool, and is safe to share, so one
  per pool is kept and reused.
- The cache only ever holds what can be worked out again (rendered fragments, estimates, access
  and plan figures under their generations). So while Redis cannot be reached, a read is a miss
  and a write does nothing, and the page is built from the database, rather than failing. Counters
  (`incr`, `decr`) still raise: the generations (core.cache_generation) catch that themselves.
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends import redis as django_redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# At most one warning a minute per process while Redis is down: pages keep working meanwhile.
_WARN_EVERY = 60.0


class SharedClientRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


def _unreachable_is(result):
    """While Redis is unreachable, the decorated call returns `result` (a miss, or nothing done)."""

    def decorate(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except _UNREACHABLE as exc:
                self._warn(exc)
                return result(*args, **kwargs) if callable(result) else result

        return call

    return decorate


def _default(key, default=None, version=None):
    return default


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._warned_at = 0.0

    def _warn(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY:
            self._warned_at = now
            logger.warning("cache unreachable, pages are built from the database: %s", exc)

    get = _unreachable_is(_default)(django_redis.RedisCache.get)
    get_many = _unreachable_is(lambda *args, **kwargs: {})(django_redis.RedisCache.get_many)
    has_key = _unreachable_is(False)(django_redis.RedisCache.has_key)
    add = _unreachable_is(False)(django_redis.RedisCache.add)
    set = _unreachable_is(None)(django_redis.RedisCache.set)
    set_many = _unreachable_is(lambda *args, **kwargs: [])(django_redis.RedisCache.set_many)
    touch = _unreachable_is(False)(django_redis.RedisCache.touch)
    delete = _unreachable_is(False)(django_redis.RedisCache.delete)
    delete_many = _unreachable_is(None)(django_redis.RedisCache.delete_many)
