"""The password rules: strong and fresh passwords, a change at first sign-in, demo accounts exempt."""

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cppcc_portal.core import roles
from cppcc_portal.core.accounts import account_create_or_update
from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.models import PasswordState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
GOOD = "Qiang-Mima-2017"


def refusal_codes(password, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {error.code for error in exc.error_list}
    return set()


def test_a_password_needs_eight_characters_of_three_kinds_without_the_username():
    user = UserFactory(username="zhangsan")
    assert refusal_codes("Ab1!", user) >= {"password_too_short"}
    assert refusal_codes("onlylowercaseletters", user) >= {"password_too_simple"}
    assert refusal_codes("Zhangsan-2017", user) >= {"password_contains_username"}
    assert refusal_codes(GOOD, user) == set()


def test_none_of_the_last_five_passwords_may_be_used_again():
    user = UserFactory(username="lisi")
    used = [f"Old-Mima-{n}x" for n in range(6)]
    for password in used:
        user.set_password(password)
        user.save()

    assert "password_reused" in refusal_codes(used[-1], user)
    assert "password_reused" in refusal_codes(used[1], user)
    # The sixth-last is out of the history.
    assert "password_reused" not in refusal_codes(used[0], user)


def test_add_account_refuses_a_weak_password_with_the_rules_reason():
    with pytest.raises(DomainError) as refused:
        account_create_or_update(username="wangwu", role=roles.MEMBER, password="password")
    assert refused.value.code == "weak_password"


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_an_account_set_up_by_the_office_must_choose_its_own_password_at_first_sign_in(client):
    account_create_or_update(username="zhaoliu", role=roles.MEMBER, password=GOOD)

    sign_in(client, "zhaoliu", GOOD)
    page = client.get("/portal/")
    assert page.status_code == 302 and page.url.startswith(reverse("password_change"))
    api = client.get("/api/v1/notifications/")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"

    changed = client.post(
        reverse("password_change") + "?next=/portal/notifications/",
        {
            "old_password": GOOD,
            "new_password1": "Ziji-De-Mima-9",
            "new_password2": "Ziji-De-Mima-9",
            "next": "/portal/notifications/",
        },
    )
    assert changed.status_code == 302 and changed.url == "/portal/notifications/"
    assert client.get("/portal/notifications/").status_code == 200
    assert PasswordState.objects.get(user__username="zhaoliu").must_change is False


def test_a_password_older_than_the_maximum_age_must_be_changed(client, member_user, settings):
    from tests.conftest import PASSWORD

    settings.PASSWORD_MAX_AGE_DAYS = 90
    PasswordState.objects.update_or_create(
        user=member_user, defaults={"changed_at": timezone.now() - dt.timedelta(days=91)}
    )
    sign_in(client, "member", PASSWORD)
    page = client.get("/portal/")
    assert page.status_code == 302 and page.url.startswith(reverse("password_change"))


def test_a_recent_password_of_the_owners_choice_goes_straight_in(client, member_user):
    from tests.conftest import PASSWORD

    sign_in(client, "member", PASSWORD)
    assert client.get("/portal/").status_code == 200


def test_an_account_the_office_adds_in_the_admin_must_change_its_password(
    client, staff_user, django_user_model
):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    client.post(
        reverse("admin:auth_user_add"),
        {"username": "newclerk", "password1": GOOD, "password2": GOOD, "usable_password": "true"},
    )
    assert PasswordState.objects.get(user__username="newclerk").must_change is True


def test_the_demo_accounts_are_exempt_and_the_login_page_says_so(client, settings):
    settings.DEBUG = True
    page = client.get(reverse("login")).content.decode()
    assert "demo_staff" not in page

    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert PasswordState.objects.filter(exempt=True).count() == 4
    assert "demo_staff" in client.get(reverse("login")).content.decode()
    state = PasswordState.objects.get(user__username="demo_member")
    assert state.must_change is False
