"""The Redis cache backend: Django's behaviour, one client per connection pool."""

import pytest
from django.core.cache import caches
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from cppcc_portal.core.redis_cache import RedisCache


def test_the_portal_caches_in_redis_with_the_shared_client_backend():
    assert isinstance(caches["default"], RedisCache)


def test_reads_and_writes_behave_as_djangos_and_reuse_one_client():
    cache = caches["default"]
    cache.delete_many(["shared-client:a", "shared-client:n"])

    assert cache.add("shared-client:a", {"委员": 1}) is True
    assert cache.add("shared-client:a", "again") is False
    cache.set("shared-client:n", 41)
    assert cache.incr("shared-client:n") == 42
    assert cache.get_many(["shared-client:a", "shared-client:n"]) == {
        "shared-client:a": {"委员": 1},
        "shared-client:n": 42,
    }
    cache.delete("shared-client:a")
    assert cache.get("shared-client:a", "gone") == "gone"

    backend = cache._cache
    assert backend.get_client() is backend.get_client(write=True)


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "cppcc_portal.core.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
def test_while_redis_is_unreachable_reads_miss_writes_do_nothing_and_counters_raise():
    cache = caches["default"]

    assert cache.get("anything", "missed") == "missed"
    assert cache.get_many(["a", "b"]) == {}
    cache.set("anything", 1)
    assert cache.add("anything", 1) is False
    assert cache.get_or_set("generation", 0, None) == 0
    with pytest.raises(RedisConnectionError):
        cache.incr("generation")


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "cppcc_portal.core.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
@pytest.mark.parametrize(
    "url",
    [
        "/admin/members/participation/?attendance__exact=present",
        "/admin/members/member/",
        "/api/v1/members/participations/",
    ],
)
def test_the_office_keeps_working_while_redis_is_down(client, staff_user, url):
    client.force_login(staff_user)
    response = client.get(url)
    assert response.status_code == 200
