"""Django's Redis cache, with one Redis client per connection pool rather than one per call.

Django's client builds a new `redis.Redis` object for every cache call (a get, a set), and each
build fills its table of a few hundred response callbacks: about as long as the round trip to
Redis itself. A client holds no state of its own besides its pool, and is safe to share, so one
per pool is kept and reused.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


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


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
