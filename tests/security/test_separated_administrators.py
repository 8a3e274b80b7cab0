"""三员分立: the system administrator (accounts, settings), the security administrator (roles,
two-factor resets, lock-outs) and the auditor (the audit trail, nothing else); each is refused what
belongs to another and every business page; nobody can change or delete an audit row."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BUSINESS_PAGES = (
    "workplan:current",
    "dashboard:home",
    "members:portal_home",
    "proposals:list",
    "notifications:inbox",
    "meetings:list",
)
BUSINESS_ADMIN = (
    "admin:proposals_proposal_changelist",
    "admin:members_member_changelist",
    "admin:workplan_task_changelist",
    "admin:core_notification_changelist",
)


def as_role(role: str, username: str | None = None) -> tuple[Client, object]:
    user = UserFactory(username=username or role, role=role)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client, user


@pytest.fixture
def audit_row(staff_user):
    return record_event(actor=staff_user, action="test.recorded", obj=staff_user)


@pytest.mark.parametrize("role", roles.ADMINISTRATORS)
@pytest.mark.parametrize("page", BUSINESS_PAGES)
def test_no_administrator_reads_a_business_page(role, page):
    client, _user = as_role(role)
    assert client.get(reverse(page)).status_code == 403


@pytest.mark.parametrize("role", roles.ADMINISTRATORS)
@pytest.mark.parametrize("page", BUSINESS_ADMIN)
def test_no_administrator_reads_business_data_in_the_admin(role, page):
    client, _user = as_role(role)
    assert client.get(reverse(page)).status_code == 403


@pytest.mark.parametrize("role", roles.ADMINISTRATORS)
def test_no_administrator_uses_the_api(role):
    client, _user = as_role(role)
    response = client.get("/api/v1/proposals/")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("role", roles.ADMINISTRATORS)
def test_each_administrator_lands_on_the_admin(role):
    client, _user = as_role(role)
    assert client.get(reverse("home"))["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_system_administrator_manages_accounts_but_not_roles(staff_user):
    client, _user = as_role(roles.SYSTEM_ADMIN)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_add")).status_code == 200
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 403
    form = client.get(reverse("admin:auth_user_change", args=[staff_user.pk])).content.decode()
    assert 'name="groups"' not in form and 'name="is_superuser"' not in form
    assert 'name="email"' in form


def test_the_security_administrator_manages_roles_and_lockouts_but_not_accounts_or_audit(staff_user):
    client, _user = as_role(roles.SECURITY_ADMIN)
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_password_change", args=[staff_user.pk])).status_code == 403
    form = client.get(reverse("admin:auth_user_change", args=[staff_user.pk])).content.decode()
    assert 'name="groups"' in form
    assert 'name="email"' not in form and 'name="is_superuser"' not in form


def test_the_security_administrator_gives_a_role_and_it_is_audited(staff_user):
    client, _user = as_role(roles.SECURITY_ADMIN)
    leader_group = roles.ensure_groups()[roles.LEADER]
    staff_group = roles.ensure_groups()[roles.STAFF]
    response = client.post(
        reverse("admin:auth_user_change", args=[staff_user.pk]),
        {"groups": [staff_group.pk, leader_group.pk], "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(staff_user.groups.values_list("name", flat=True)) == {"机关工作人员", "领导"}
    event = AuditEvent.objects.get(action="permission.changed", object_id=str(staff_user.pk))
    assert event.account == roles.SECURITY_ADMIN
    assert event.changes == {"roles": {"added": ["领导"]}}


def test_the_auditor_reads_the_audit_trail_and_nothing_else(audit_row, staff_user):
    client, _user = as_role(roles.AUDITOR)
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditevent_change", args=[audit_row.pk])).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 403


@pytest.mark.parametrize("role", [*roles.ADMINISTRATORS, roles.STAFF, "superuser"])
def test_nobody_changes_or_deletes_an_audit_row_through_the_admin(role, audit_row):
    if role == "superuser":
        user = UserFactory(username="root", is_superuser=True, is_staff=True)
        client = Client(raise_request_exception=False)
        client.force_login(user)
    else:
        client, _user = as_role(role, username=f"x_{role}")
    change = reverse("admin:core_auditevent_change", args=[audit_row.pk])
    client.post(change, {"action": "forged", "note": "forged"})
    delete = client.post(reverse("admin:core_auditevent_delete", args=[audit_row.pk]), {"post": "yes"})
    assert delete.status_code == 403
    client.post(
        reverse("admin:core_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [audit_row.pk], "post": "yes"},
    )
    audit_row.refresh_from_db()
    assert audit_row.action == "test.recorded" and audit_row.note == ""


def test_the_audit_trail_cannot_be_changed_or_deleted_in_code(audit_row):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=audit_row.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=audit_row.pk).update(note="forged")
    with pytest.raises(PermissionError):
        audit_row.delete()


def test_add_account_gives_an_administrator_the_admin_and_exactly_one_role():
    from cppcc_portal.core.accounts import account_create_or_update

    user = account_create_or_update(username="auditor1", role=roles.AUDITOR, password="Aud1t-Trail-2026")
    assert user.is_staff and not user.is_superuser
    assert roles.user_roles(user) == {roles.AUDITOR}
