"""Inviting members to an activity tells each of them, in the outbox every channel reads."""

import datetime as dt

from django.utils import timezone

from cppcc_portal.core.models import Notification
from members import services
from tests.factories import ActivityFactory, MemberFactory


def test_invited_members_are_notified_once_each_with_a_link_to_the_activity(staff_user, member):
    start = timezone.now() + dt.timedelta(days=3)
    activity = ActivityFactory(
        title="界别协商会", starts_at=start, ends_at=start + dt.timedelta(hours=2), place="区政协机关会议室"
    )
    no_login = MemberFactory(user=None)
    services.activity_invite(activity=activity, members=[member, no_login], actor=staff_user)
    services.activity_invite(activity=activity, members=[member], actor=staff_user)
    notice = Notification.objects.get(kind="members.activity.invited")
    assert notice.recipient == member.user
    assert notice.title == "邀请您参加：界别协商会"
    assert "区政协机关会议室" in notice.body
    assert notice.link == f"/portal/activities/{activity.pk}/"


def test_nobody_is_notified_of_an_activity_that_already_took_place(staff_user, member):
    start = timezone.now() - dt.timedelta(days=3)
    activity = ActivityFactory(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    services.activity_invite(activity=activity, members=[member], actor=staff_user)
    assert not Notification.objects.filter(kind="members.activity.invited").exists()
