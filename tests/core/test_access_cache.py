"""Permissions and roles come from the cache, and every change of someone's access shows at once."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from redis.exceptions import RedisError

from cppcc_portal.core import caching, roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTIVITIES = "/admin/members/activity/"
ACCESS_TABLES = ('"auth_permission"', '"auth_group"')


def access_queries(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in ACCESS_TABLES)]


@pytest.fixture
def clerk(client):
    """Staff with one permission of their own and one through a group."""
    user = UserFactory(username="clerk", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_member"))
    group = Group.objects.create(name="活动管理")
    group.permissions.add(Permission.objects.get(codename="view_activity"))
    user.groups.add(group)
    client.force_login(user)
    return user


def test_a_second_page_reads_permissions_and_roles_from_the_cache(client, staff_user):
    client.force_login(staff_user)
    status, first = access_queries(client, ACTIVITIES)
    assert status == 200 and first  # read once ...

    status, again = access_queries(client, ACTIVITIES)
    assert status == 200 and again == []  # ... then kept


def test_a_permission_taken_from_the_group_is_gone_on_the_next_page(client, clerk):
    assert client.get(ACTIVITIES).status_code == 200

    Group.objects.get(name="活动管理").permissions.clear()

    assert client.get(ACTIVITIES).status_code == 403


def test_leaving_the_group_is_felt_on_the_next_page(client, clerk):
    assert client.get(ACTIVITIES).status_code == 200

    clerk.groups.clear()

    assert client.get(ACTIVITIES).status_code == 403


def test_a_permission_given_to_the_user_works_on_the_next_page(client, clerk):
    assert client.get("/admin/members/sector/").status_code == 403

    clerk.user_permissions.add(Permission.objects.get(codename="view_sector"))

    assert client.get("/admin/members/sector/").status_code == 200


def test_a_superuser_made_ordinary_loses_everything_at_once(client):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(boss)
    assert client.get("/admin/members/sector/").status_code == 200

    boss.is_superuser = False
    boss.save()

    assert client.get("/admin/members/sector/").status_code == 403


def test_a_new_role_shows_in_the_header_on_the_next_page(client):
    user = UserFactory(username="newcomer")
    client.force_login(user)
    assert client.get(reverse("dashboard:home")).status_code == 403

    user.groups.add(roles.ensure_groups()[roles.LEADER])

    assert client.get(reverse("dashboard:home")).status_code == 200


def test_logging_in_does_not_forget_everyones_access(clerk, client):
    before = cache.get("access:generation")
    client.logout()
    client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    clerk.set_password("pass-Word-123")
    clerk.save(update_fields=["password"])
    generation_after_password = cache.get("access:generation")
    assert client.login(username="clerk", password="pass-Word-123")

    assert cache.get("access:generation") == generation_after_password != before


def test_with_the_cache_down_permissions_are_read_live(client, clerk, monkeypatch):
    def down(*args, **kwargs):
        raise RedisError("connection refused")

    for method in ("get_many", "get_or_set"):
        monkeypatch.setattr(caching.cache, method, down)
    clerk.groups.clear()

    assert client.get(ACTIVITIES).status_code == 403
    assert client.get(reverse("admin:members_member_changelist")).status_code == 200


@pytest.fixture
def redis_unreachable(settings):
    """Nothing listens on port 1: django-redis ignores the outage, so every read is a miss."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}


def test_with_redis_unreachable_a_role_given_shows_on_the_next_page(client, redis_unreachable):
    user = UserFactory(username="newcomer")
    client.force_login(user)
    assert client.get(reverse("dashboard:home")).status_code == 403

    user.groups.add(roles.ensure_groups()[roles.LEADER])

    assert client.get(reverse("dashboard:home")).status_code == 200


def test_with_redis_unreachable_a_permission_taken_away_is_gone_on_the_next_page(
    client, clerk, redis_unreachable
):
    assert client.get(ACTIVITIES).status_code == 200

    clerk.user_permissions.clear()
    Group.objects.get(name="活动管理").permissions.clear()

    assert client.get(ACTIVITIES).status_code == 403
