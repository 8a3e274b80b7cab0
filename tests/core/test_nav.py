"""Every page's header: each role sees its own links and tabs, and they cost no reverse() per page."""

import re

import pytest
from django.urls import reverse

from cppcc_portal.core import url_templates

pytestmark = pytest.mark.django_db


def header_links(page: str) -> list[str]:
    header = page.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', header)


def test_a_member_sees_the_work_plan_their_portal_and_the_inbox_but_no_office_links(client, member_user):
    client.force_login(member_user)
    page = client.get(reverse("members:portal_home")).content.decode()
    assert header_links(page) == [
        reverse("workplan:current"),
        reverse("members:portal_home"),
        reverse("notifications:inbox"),
    ]
    # The portal's tabs, this page's marked as the one shown.
    assert f'<a href="{reverse("members:portal_home")}" class="active">' in page
    assert f'href="{reverse("members:records")}"' in page


def test_a_unit_sees_its_workspace_and_its_tabs(client, unit_user):
    client.force_login(unit_user)
    page = client.get(reverse("proposals_units:home")).content.decode()
    assert header_links(page) == [
        reverse("workplan:current"),
        reverse("proposals_units:home"),
        reverse("notifications:inbox"),
    ]
    assert f'href="{reverse("proposals_units:handled")}"' in page


def test_the_office_sees_the_dashboard_meetings_and_the_administration(client, staff_user):
    staff_user.is_staff = True
    staff_user.save()
    client.force_login(staff_user)
    page = client.get(reverse("workplan:current"), follow=True).content.decode()
    assert header_links(page) == [
        reverse("workplan:current"),
        reverse("dashboard:home"),
        reverse("meetings:list"),
        reverse("admin:index"),
        reverse("notifications:inbox"),
    ]
    # The labels are translated when the page is drawn, in the page's language.
    assert ">工作要点</a>" in page and ">后台管理</a>" in page


def test_the_header_and_tabs_reverse_no_url_once_the_first_page_was_shown(client, member_user, monkeypatch):
    client.force_login(member_user)
    assert client.get(reverse("members:portal_home")).status_code == 200
    calls = []
    real_reverse = url_templates.reverse

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real_reverse(*args, **kwargs)

    monkeypatch.setattr(url_templates, "reverse", counted)
    assert client.get(reverse("members:records")).status_code == 200
    assert calls == []
