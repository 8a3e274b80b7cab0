"""The Redis cache (django-redis): while Redis is down, a read is a miss and a write does nothing."""

import logging

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

UNREACHABLE = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}


def test_the_portal_caches_in_redis_through_django_redis_ignoring_outages():
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert settings.CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True


def test_reads_and_writes_behave_as_djangos():
    cache = caches["default"]
    cache.delete_many(["redis-cache:a", "redis-cache:n"])

    assert cache.add("redis-cache:a", {"委员": 1}) is True
    assert cache.add("redis-cache:a", "again") is False
    cache.set("redis-cache:n", 41)
    assert cache.incr("redis-cache:n") == 42
    assert cache.get_many(["redis-cache:a", "redis-cache:n"]) == {
        "redis-cache:a": {"委员": 1},
        "redis-cache:n": 42,
    }
    cache.delete("redis-cache:a")
    assert cache.get("redis-cache:a", "gone") == "gone"


@override_settings(CACHES=UNREACHABLE)
def test_while_redis_is_unreachable_reads_miss_and_writes_do_nothing():
    cache = caches["default"]

    assert cache.get("anything", "missed") == "missed"
    assert cache.get_many(["a", "b"]) == {}
    cache.set("anything", 1)
    assert not cache.add("anything", 1)
    assert cache.get_or_set("generation", 0, None) == 0
    assert cache.incr("generation") is None


@override_settings(CACHES=UNREACHABLE)
def test_an_outage_is_logged_once_a_minute_not_on_every_call(caplog):
    cache = caches["default"]
    with caplog.at_level(logging.WARNING, logger="cppcc_portal.cache"):
        for _ in range(5):
            cache.get("anything")
    # The filter sits on the logger itself, so caplog (a root handler) sees what passed it.
    assert len([r for r in caplog.records if r.name == "cppcc_portal.cache"]) <= 1


@pytest.mark.django_db
@override_settings(CACHES=UNREACHABLE)
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
