"""What every logged-in request pays: no database query for its session or its user, yet an
account that is switched off or given a new password is signed out at its next request."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PING = "/dashboard/ping"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(PING).status_code == 200  # the first request fills the cache
    return client


def test_a_logged_in_request_reads_neither_its_session_nor_its_user_from_the_database(
    django_assert_num_queries,
):
    client = signed_in(UserFactory(is_staff=True))
    with django_assert_num_queries(0):
        assert client.get(PING).status_code == 200


def test_an_account_switched_off_is_signed_out_at_its_next_request():
    user = UserFactory(is_staff=True)
    client = signed_in(user)
    user.is_active = False
    user.save()
    assert client.get(PING).status_code == 302


def test_a_new_password_signs_out_the_sessions_opened_with_the_old_one():
    user = UserFactory(is_staff=True)
    old_device = signed_in(user)
    user.set_password("Xin-Mima-2017!")
    user.save()
    assert old_device.get(PING).status_code == 302


def test_a_session_survives_an_emptied_cache():
    client = signed_in(UserFactory(is_staff=True))
    cache.clear()
    assert client.get(PING).status_code == 200


def test_a_logged_out_session_stays_out_though_its_cookie_is_replayed():
    client = signed_in(UserFactory(is_staff=True))
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    thief = Client()
    thief.cookies["sessionid"] = cookie
    assert thief.get(PING).status_code == 302


def test_with_redis_unreachable_an_account_switched_off_is_still_signed_out(settings):
    user = UserFactory(is_staff=True)
    client = signed_in(user)
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    assert client.get(PING).status_code == 200  # the session and the user come from the database

    user.is_active = False
    user.save()

    assert client.get(PING).status_code == 302


def test_a_logged_in_request_asks_the_cache_twice_its_roles_coming_with_its_user(monkeypatch):
    """The session, then the user row with its roles and the access generation in one round trip."""
    from django.core.cache import caches

    client = signed_in(UserFactory(is_staff=True))
    client.get(PING)  # the first request after sign-in fills the cache
    store = caches["default"]
    round_trips = []
    for method in ("get", "get_many"):
        real = getattr(store, method)

        def counted(key, *args, _real=real, _method=method, **kwargs):
            round_trips.append((_method, key))
            return _real(key, *args, **kwargs)

        monkeypatch.setattr(store, method, counted)
    assert client.get(PING).status_code == 200
    assert len(round_trips) == 2, round_trips


def test_roles_given_after_sign_in_show_on_the_next_page():
    from cppcc_portal.core import roles

    user = UserFactory()
    client = signed_in(user)
    assert client.get("/dashboard/").status_code == 403
    user.groups.add(roles.ensure_groups()[roles.LEADER])
    assert client.get("/dashboard/").status_code == 200
