"""Bulletin issues edited in the admin go through the service: who changed the title is on the audit trail."""

import pytest
from django.urls import reverse

from cppcc_portal.core.errors import PermissionDeniedError
from cppcc_portal.core.models import AuditEvent
from proposals import services
from proposals.models import BulletinIssue


def test_a_bulletin_title_changed_in_the_admin_is_audited(client, staff_user):
    issue = services.bulletin_create(actor=staff_user, year=2026, title="民生专刊", editor="王编辑")
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:proposals_bulletinissue_change", args=[issue.pk]),
        {"title": "教育专刊", "editor": "王编辑"},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.title == "教育专刊" and issue.editor == "王编辑"
    event = AuditEvent.objects.get(action="bulletin.update")
    assert event.actor == staff_user and event.changes == {"title": ["民生专刊", "教育专刊"]}


def test_a_new_bulletin_from_the_admin_keeps_its_editor(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:proposals_bulletinissue_add"), {"year": 2026, "title": "", "editor": "李编辑"}
    )
    assert response.status_code == 302
    assert BulletinIssue.objects.get(year=2026).editor == "李编辑"


def test_a_member_may_not_edit_a_bulletin(staff_user, member_user):
    issue = services.bulletin_create(actor=staff_user, year=2026, title="民生专刊")
    with pytest.raises(PermissionDeniedError):
        services.bulletin_update(bulletin=issue, actor=member_user, title="改", editor="")
    issue.refresh_from_db()
    assert issue.title == "民生专刊"
