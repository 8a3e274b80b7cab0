"""The audit trail records exports and permission changes, keeps every row for the retention
period (only older rows are pruned, the chain still verifiable), and the auditor exports it with
no live formula in it."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cppcc_portal.core import audit_chain, roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.models import AuditEvent, AuditSeal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def as_role(role: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username=f"the_{role}", role=role))
    return client


@pytest.mark.parametrize(
    "name", ["proposals:stats_export", "supervision:status_export", "consultations:export"]
)
def test_a_spreadsheet_export_is_an_audit_row_naming_who_and_which_file(staff_user, client, name):
    client.force_login(staff_user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export")
    assert event.account == "staff"
    assert event.note == reverse(name)
    assert "xlsx" in event.changes["file"]


def test_an_admin_export_is_an_audit_row(staff_user, client):
    from tests.factories import MemberFactory

    MemberFactory()
    client.force_login(staff_user)
    url = reverse("admin:members_member_export")
    form = client.get(url)
    assert form.status_code == 200
    fields = {
        name: "on"
        for name in form.context["form"].fields
        if name.startswith("memberresource") or name.endswith("_export")
    }
    response = client.post(url, {"format": "1", **fields})
    assert response.status_code == 200, response.content[:500]
    event = AuditEvent.objects.get(action="export")
    assert event.note == url and event.account == "staff"


def test_a_superuser_flag_given_in_the_admin_is_an_audit_row():
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    target = UserFactory(username="target", is_staff=True)
    client = Client()
    client.force_login(root)
    form = client.get(reverse("admin:auth_user_change", args=[target.pk])).context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in ("groups", "user_permissions", "password")
    }
    data.update(
        {
            "is_superuser": "on",
            "is_staff": "on",
            "is_active": "on",
            "date_joined_0": target.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": target.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(reverse("admin:auth_user_change", args=[target.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action="permission.changed", object_id=str(target.pk))
    assert event.changes == {"is_superuser": [False, True]} and event.account == "root"


def test_a_role_s_permissions_changed_in_the_admin_are_an_audit_row():
    client = as_role(roles.SECURITY_ADMIN)
    group = roles.ensure_groups()[roles.LEADER]
    perm = Permission.objects.get(codename="view_user", content_type__app_label="auth")
    kept = list(group.permissions.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": group.name, "permissions": [*kept, perm.pk]},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="permission.changed", object_id=str(group.pk))
    assert event.changes == {"permissions": {"added": ["auth.view_user"]}}
    assert event.account == f"the_{roles.SECURITY_ADMIN}"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_auditor_exports_the_trail_with_formulas_neutralised(staff_user, file_format):
    record_event(actor=staff_user, action="member.updated", obj=staff_user, note='=HYPERLINK("http://x")')
    client = as_role(roles.AUDITOR)
    url = reverse("admin:core_auditevent_export_trail")
    response = client.get(url, {"format": file_format, "action": "member.updated"})
    assert response.status_code == 200
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["时间", "账号", "操作"]
        assert len(rows) == 2 and rows[1][8] == '\'=HYPERLINK("http://x")'
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [cell.value for cell in sheet[2]]
        assert values[8] == '\'=HYPERLINK("http://x")' and sheet.max_row == 2
    # The export itself is audited.
    assert AuditEvent.objects.filter(action="export", account=f"the_{roles.AUDITOR}").exists()


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.SYSTEM_ADMIN, roles.SECURITY_ADMIN])
def test_nobody_but_the_auditor_exports_the_trail(role):
    response = as_role(role).get(reverse("admin:core_auditevent_export_trail"), {"format": "csv"})
    assert response.status_code == 403


def test_a_bad_export_format_is_refused_with_a_message():
    response = as_role(roles.AUDITOR).get(reverse("admin:core_auditevent_export_trail"), {"format": "pdf"})
    assert response.status_code == 400 and "xlsx" in response.content.decode()


def _events(actor, count, label):
    return [record_event(actor=actor, action=f"{label}.{i}", obj=actor) for i in range(count)]


def test_pruning_deletes_only_rows_older_than_the_retention_and_the_chain_still_verifies(
    staff_user, settings
):
    settings.AUDIT_RETENTION_DAYS = 180
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _events(staff_user, 3, "old")
        audit_chain.seal_pending()
    with time_machine.travel(start + dt.timedelta(days=100), tick=False):
        _events(staff_user, 2, "young")
        audit_chain.seal_pending()
    with time_machine.travel(start + dt.timedelta(days=179), tick=False):
        assert audit_chain.prune() == (0, 0)  # nothing is old enough yet
    with time_machine.travel(start + dt.timedelta(days=181), tick=False):
        call_command("prune_audit", stdout=io.StringIO())
        assert set(AuditEvent.objects.values_list("action", flat=True)) == {"young.0", "young.1"}
        result = audit_chain.verify()
        assert result.intact and result.checked == 2
        # The young rows stay, whatever asks.
        with pytest.raises(PermissionError):
            AuditEvent.objects.prune_through(10**9, older_than=timezone.now() - dt.timedelta(days=180))
        assert AuditEvent.objects.count() == 2


def test_a_row_edited_after_a_prune_or_a_forged_checkpoint_is_detected(staff_user, settings):
    from django.db import connection

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _events(staff_user, 2, "old")
        audit_chain.seal_pending()
    with time_machine.travel(start + dt.timedelta(days=200), tick=False):
        kept = _events(staff_user, 2, "young")
        audit_chain.prune()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET note = 'edited' WHERE id = %s", [kept[0].pk])
        assert any("was changed" in p for p in audit_chain.verify().problems)
        AuditSeal.objects.filter(pk=1).update(pruned_hash="0" * 64)
        assert "the checkpoint of the last retention prune was changed" in audit_chain.verify().problems
