"""API tokens expire, die with the password or the account, and their owner can see and revoke
them (issue 13, defect 18)."""

import datetime as dt

import pytest
from django.contrib.auth.models import update_last_login
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def api(token):
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def token_for(user, age_days=0):
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - dt.timedelta(days=age_days))
    return token.key


def test_a_token_works_until_api_token_days_then_is_refused_as_expired(member_user, settings):
    settings.API_TOKEN_DAYS = 30
    fresh = token_for(member_user, age_days=29)
    assert api(fresh).get("/api/v1/notifications/").status_code == 200
    Token.objects.all().delete()
    old = token_for(member_user, age_days=31)
    response = api(old).get("/api/v1/notifications/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert not Token.objects.filter(key=old).exists()


def test_asking_for_a_token_again_after_it_expired_gives_a_new_one(client, member_user):
    old = token_for(member_user, age_days=31)
    response = client.post(
        "/api/v1/auth/token/",
        {"username": member_user.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token"] != old and "expires_at" in body
    assert api(body["token"]).get("/api/v1/notifications/").status_code == 200


def test_changing_the_password_revokes_the_token(client, member_user):
    key = token_for(member_user)
    client.force_login(member_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "another-Pass-456", "new_password2": "another-Pass-456"},
    )
    assert response.status_code == 302
    assert api(key).get("/api/v1/notifications/").status_code == 401


def test_a_password_set_by_staff_or_code_revokes_the_token_too(member_user):
    key = token_for(member_user)
    member_user.set_password("set-By-staff-789")
    member_user.save()
    assert not Token.objects.filter(key=key).exists()


def test_deactivating_the_account_revokes_the_token(member_user):
    key = token_for(member_user)
    member_user.is_active = False
    member_user.save(update_fields=["is_active"])
    assert not Token.objects.filter(key=key).exists()


def test_logging_in_or_saving_other_fields_keeps_the_token(member_user):
    key = token_for(member_user)
    update_last_login(None, member_user)
    member_user.first_name = "新名字"
    member_user.save()
    assert Token.objects.filter(key=key).exists()


def test_the_owner_sees_when_their_token_expires_and_can_revoke_it(client, member_user, other_member_user):
    key = token_for(member_user)
    others = token_for(other_member_user)
    client.force_login(member_user)
    page = client.get(reverse("api_token")).content.decode()
    assert key in page and others not in page
    assert "到期时间" in page and "吊销" in page
    client.post(reverse("api_token"), {"action": "revoke"})
    assert not Token.objects.filter(user=member_user).exists()
    assert api(key).get("/api/v1/notifications/").status_code == 401
    assert Token.objects.filter(key=others).exists()
