"""Redis is bounded with `maxmemory-policy volatile-lru` (deploy/compose.yaml, docs/deployment.md): a
full Redis evicts only keys that expire. That sheds cache and never the broker's messages, so long as
every key the portal's cache writes expires, but the caches' generations, which must outlive their
entries (core.caching: an evicted generation starts again from the clock)."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from django_redis import get_redis_connection

from tests.conftest import login

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _cache_keys(connection) -> set[bytes]:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return set(connection.scan_iter(match=f"{prefix}:*", count=1000))


def test_every_key_the_pages_leave_in_the_cache_expires_but_the_generations(
    client, member_user, staff_user, leader_user, unit_user
):
    connection = get_redis_connection("default")
    before = _cache_keys(connection)
    visits = [
        (
            member_user,
            ["/portal/", "/portal/meetings/", "/portal/consultations/", "/api/v1/members/participations/"],
        ),
        (unit_user, ["/units/"]),
        (leader_user, ["/dashboard/", "/meetings/", "/dashboard/ping"]),
        (staff_user, ["/meetings/", "/api/v1/members/participations/", reverse("admin:index")]),
    ]
    for user, paths in visits:
        login(client, user)
        for path in paths:
            assert client.get(path).status_code == 200, path
    written = _cache_keys(connection) - before

    assert written, "the pages kept nothing in Redis: this test would prove nothing"
    forever = sorted(key.decode() for key in written if connection.ttl(key) == -1)
    assert [key for key in forever if not key.endswith(":generation")] == []
    # The sessions' copies are among what expires.
    assert any(b"django.contrib.sessions" in key and connection.ttl(key) > 0 for key in written)


def test_the_compose_redis_is_bounded_and_evicts_only_keys_that_expire():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "volatile-lru"
    assert command[command.index("--maxmemory") + 1]
    # The broker's messages still survive a restart.
    assert command[command.index("--appendonly") + 1] == "yes"
