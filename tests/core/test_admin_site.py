"""The office's admin site: Chinese titles, a sidebar per permission set, big changelists built cheaply."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cppcc_portal.core import roles
from tests.factories import ActivityFactory, MemberFactory, UserFactory
from tests.members.factories import ParticipationFactory

pytestmark = pytest.mark.django_db


def sidebar_models(page: str) -> set[str]:
    sidebar = page.split('id="nav-sidebar"', 1)[1].split("</nav>", 1)[0]
    return set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/)"', sidebar))


def test_the_admin_speaks_chinese(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "政协履职平台管理" in page and "机关管理" in page


def test_the_sidebar_lists_only_what_each_user_may_open(client, staff_user):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_activity"))
    url = reverse("admin:members_activity_changelist")

    client.force_login(staff_user)
    staff_sidebar = sidebar_models(client.get(url).content.decode())
    client.force_login(clerk)
    clerk_sidebar = sidebar_models(client.get(url).content.decode())

    assert "/admin/members/participation/" in staff_sidebar
    assert clerk_sidebar == {"/admin/members/activity/"}


def test_the_sidebar_follows_a_change_of_permissions(client):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_activity"))
    client.force_login(clerk)
    url = reverse("admin:members_activity_changelist")
    assert "/admin/members/member/" not in sidebar_models(client.get(url).content.decode())

    clerk.user_permissions.add(Permission.objects.get(codename="view_member"))
    client.force_login(clerk)  # a fresh request: permissions are read again

    assert "/admin/members/member/" in sidebar_models(client.get(url).content.decode())


def test_the_sidebar_marks_the_model_of_the_page(client, staff_user):
    client.force_login(staff_user)
    activities = client.get(reverse("admin:members_activity_changelist")).content.decode()
    members = client.get(reverse("admin:members_member_changelist")).content.decode()
    assert re.search(r'current-model[^>]*>\s*<th[^>]*>\s*<a href="/admin/members/activity/"', activities)
    assert re.search(r'current-model[^>]*>\s*<th[^>]*>\s*<a href="/admin/members/member/"', members)


def test_attendance_rows_link_to_their_page_and_carry_an_action_checkbox(client, staff_user):
    activity = ActivityFactory(title="视察学习会")
    participation = ParticipationFactory(activity=activity, member=MemberFactory(name="王委员"))
    client.force_login(staff_user)

    page = client.get(reverse("admin:members_participation_changelist")).content.decode()

    change_url = reverse("admin:members_participation_change", args=[participation.pk])
    assert f'href="{change_url}"' in page
    assert (
        f'<input type="checkbox" name="_selected_action" value="{participation.pk}" class="action-select"'
        in page
    )
    assert "视察学习会" in page and "王委员" in page


def test_an_action_on_the_checked_rows_still_works(client, staff_user):
    start = timezone.now() - dt.timedelta(days=2)
    activity = ActivityFactory(status="held", starts_at=start, ends_at=start + dt.timedelta(hours=2))
    participation = ParticipationFactory(activity=activity)
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:members_participation_changelist"),
        {"action": "mark_present", "_selected_action": [participation.pk]},
    )

    participation.refresh_from_db()
    assert response.status_code == 302
    assert participation.attendance == "present"


def test_a_member_is_refused_the_admin(client, member_user):
    assert roles.MEMBER in roles.user_roles(member_user)
    client.force_login(member_user)
    response = client.get(reverse("admin:members_participation_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]
