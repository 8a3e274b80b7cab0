"""The shared helpers every app uses: the admin's run-on-each-row, the staff check, who the office staff are."""

import pytest
from django.urls import reverse

from cppcc_portal.core import roles
from cppcc_portal.core.errors import PermissionDeniedError
from members.models import DutyRecord
from tests.factories import UserFactory
from tests.members.factories import DutyRecordFactory


def test_an_admin_action_reports_each_refused_row_by_name_and_counts_the_others(client, staff_user, member):
    waiting = DutyRecordFactory(member=member, title="走访社区")
    already = DutyRecordFactory(member=member, title="义诊", status="rejected", reject_reason="重复")
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:members_dutyrecord_changelist"),
        {"action": "verify", "_selected_action": [waiting.pk, already.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    refused = [text for text in shown if "义诊" in text]
    assert len(refused) == 1, shown
    assert any("1" in text and "义诊" not in text for text in shown), shown
    assert DutyRecord.objects.get(pk=waiting.pk).status == "verified"
    assert DutyRecord.objects.get(pk=already.pk).status == "rejected"


def test_the_staff_check_refuses_others_and_lets_the_system_through_only_where_asked(staff_user, member_user):
    roles.require_staff(staff_user)
    with pytest.raises(PermissionDeniedError):
        roles.require_staff(member_user)
    with pytest.raises(PermissionDeniedError):
        roles.require_staff(None)
    roles.require_staff(None, system_may=True)


def test_the_office_staff_are_the_active_accounts_of_the_staff_group(staff_user, member_user):
    gone = UserFactory(username="left_the_office", role=roles.STAFF)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert list(roles.active_users_with_role(roles.STAFF)) == [staff_user]


def test_a_staff_only_consultation_step_is_403_for_a_member(client, member_user):
    client.force_login(member_user)
    response = client.post(reverse("consultations:post_hide", args=[1]), {"reason": "x"})
    assert response.status_code == 403
