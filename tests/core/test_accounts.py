import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cppcc_portal.core import roles
from cppcc_portal.core.models import AuditEvent


@pytest.fixture
def strong_password(monkeypatch):
    monkeypatch.setenv("NEW_PASSWORD", "Zhengxie-2017-strong")
    return "Zhengxie-2017-strong"


def test_add_account_creates_a_staff_login_that_can_use_the_admin(db, client, strong_password):
    out = io.StringIO()
    call_command("add_account", "office1", "--role", "staff", "--password-env", "NEW_PASSWORD", stdout=out)
    user = get_user_model().objects.get(username="office1")
    assert user.is_staff and roles.user_roles(user) == {roles.STAFF}
    assert client.login(username="office1", password=strong_password)
    # The office chose this password: its owner replaces it before anything else.
    assert client.get("/admin/").url.startswith("/accounts/password/")
    client.post(
        "/accounts/password/",
        {
            "old_password": strong_password,
            "new_password1": "Own-choice-2017",
            "new_password2": "Own-choice-2017",
        },
    )
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="account.created", object_id=str(user.pk)).exists()


def test_add_account_reads_the_password_from_standard_input(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Another-strong-pass-9\n"))
    call_command("add_account", "m1", "--role", "member", stdout=io.StringIO())
    user = get_user_model().objects.get(username="m1")
    assert user.check_password("Another-strong-pass-9")
    assert not user.is_staff


def test_add_account_with_a_weak_password_fails_and_creates_nothing(db, monkeypatch):
    monkeypatch.setenv("WEAK", "123")
    with pytest.raises(CommandError, match="password"):
        call_command("add_account", "weak", "--role", "member", "--password-env", "WEAK")
    assert not get_user_model().objects.filter(username="weak").exists()


def test_add_account_without_the_named_variable_fails_clearly(db, monkeypatch):
    monkeypatch.delenv("MISSING_VAR", raising=False)
    with pytest.raises(CommandError, match="MISSING_VAR"):
        call_command("add_account", "x", "--role", "unit", "--password-env", "MISSING_VAR")


def test_changing_role_moves_the_account_to_the_new_group(db, strong_password, monkeypatch):
    call_command(
        "add_account", "p", "--role", "member", "--password-env", "NEW_PASSWORD", stdout=io.StringIO()
    )
    # A reset sets a new password: the last five may not come back.
    monkeypatch.setenv("NEW_PASSWORD", "Zhengxie-2018-strong")
    call_command(
        "add_account", "p", "--role", "leader", "--password-env", "NEW_PASSWORD", stdout=io.StringIO()
    )
    user = get_user_model().objects.get(username="p")
    assert roles.user_roles(user) == {roles.LEADER}


def test_role_groups_exist_with_their_permissions_after_migrate(db):
    from django.contrib.auth.models import Group

    staff = Group.objects.get(name=roles.GROUP_NAMES[roles.STAFF])
    leader = Group.objects.get(name=roles.GROUP_NAMES[roles.LEADER])
    member = Group.objects.get(name=roles.GROUP_NAMES[roles.MEMBER])
    assert staff.permissions.filter(codename="change_member").exists()
    assert leader.permissions.filter(codename="view_member").exists()
    assert not leader.permissions.filter(codename="change_member").exists()
    assert not member.permissions.exists()


def test_member_is_refused_the_admin(client, member_user):
    client.force_login(member_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_leader_reads_the_admin_but_cannot_change_anything(client, leader_user):
    client.force_login(leader_user)
    assert client.get("/admin/core/auditevent/").status_code == 200
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 200
    assert client.get("/admin/django_celery_beat/periodictask/add/").status_code == 403
