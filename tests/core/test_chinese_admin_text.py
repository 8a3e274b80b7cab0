"""Every string a Chinese office user meets is correct Chinese: no shadowed words, no English names."""

import datetime as dt
from urllib.parse import unquote

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from import_export.formats.base_formats import XLSX

from members.models import Member

pytestmark = pytest.mark.django_db


def test_a_due_date_column_and_an_open_state_are_not_named_after_notifications():
    # The notification outbox's "Due" (when to send) and "Open" (its link) once shadowed the
    # dashboard's task due date and open proposals in the merged catalogue.
    with translation.override("zh-hans"):
        assert translation.gettext("Due") == "截止日期"
        assert translation.gettext("Open") == "办理中"
        assert translation.pgettext("notification sending time", "Due") == "计划发送时间"
        assert translation.pgettext("open the notification's link", "Open") == "查看"


def test_the_notification_admin_names_its_two_times_differently(client, staff_user, member_user):
    from cppcc_portal.core.notifications.services import notify

    notify(recipient=member_user, kind="test", dedupe_key="test:1", title="会议通知")
    client.force_login(staff_user)
    page = client.get(reverse("admin:core_notification_changelist")).content.decode()
    assert "计划发送时间" in page


def test_an_admin_export_file_is_named_in_chinese(staff_user):
    member_admin = admin.site._registry[Member]
    request = RequestFactory().post("/admin/members/member/export/")
    request.user = staff_user
    with translation.override("zh-hans"):
        response = member_admin._do_file_export(XLSX(), request, Member.objects.none())
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment; filename*=utf-8''委员-")
    assert disposition.endswith(".xlsx") and "Member" not in disposition


def test_the_admin_javascript_catalogue_has_the_two_box_selector_in_chinese(client, staff_user):
    client.force_login(staff_user)
    catalogue = client.get(reverse("admin:jsi18n")).content.decode("unicode_escape")
    assert '"Choose all %s": "全选%s"' in catalogue
    assert '"Remove all %s": "全部移除%s"' in catalogue


def test_a_duty_records_history_names_its_states_and_the_person_in_chinese(client, member, staff_user):
    from members import services

    services.member_save(member=member, actor=staff_user)  # the roster entry names its login's person
    record = services.duty_record_submit(
        member=member,
        actor=member.user,
        event_kind="self_reported",
        occurred_on=dt.date(2017, 5, 1),
        title="走访社区收集居民意见",
    )
    client.force_login(member.user)
    page = client.get(reverse("members:record_detail", args=[record.pk])).content.decode()
    history = page.split('class="timeline"')[1].split("</ol>")[0]
    assert "待审核" in history and "张委员" in history
    assert "submitted" not in history and "—" not in history


def test_the_footer_names_the_committee_in_hand(client, staff_user):
    from cppcc_portal.core import committees

    page = client.get(reverse("login")).content.decode()
    assert '<footer class="site-footer">中国人民政治协商会议北京市东城区委员会</footer>' in page
    committee = committees.default()
    committee.name = "中国人民政治协商会议北京市西城区委员会"
    committees.committee_save(actor=staff_user, committee=committee, changes={"name": ["东城", "西城"]})
    page = client.get(reverse("login")).content.decode()
    assert "北京市西城区委员会</footer>" in page


def test_people_are_shown_by_name_not_login_where_the_admin_names_them(client, staff_user, member):
    from members import services

    services.member_save(member=member, actor=staff_user)
    from cppcc_portal.core.notifications.services import notify

    notify(recipient=member.user, kind="test", dedupe_key="test:name", title="会议通知")
    client.force_login(staff_user)
    page = client.get(reverse("admin:core_notification_changelist")).content.decode()
    assert "张委员" in page
    assert ">member<" not in page


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("proposals:stats_export", "2017年提案和社情民意统计.xlsx"),
        ("supervision:status_export", "2017年民主监督进展-"),
    ],
)
def test_the_office_exports_are_named_in_chinese(client, staff_user, url_name, expected):
    client.force_login(staff_user)
    response = client.get(reverse(url_name), {"year": 2017})
    assert response.status_code == 200
    assert expected in unquote(response["Content-Disposition"])


def test_the_history_page_names_fields_and_states_in_chinese(client, staff_user, member):
    from members import services

    record = services.duty_record_submit(
        member=member,
        actor=member.user,
        event_kind="self_reported",
        occurred_on=dt.date(2017, 5, 1),
        title="走访社区",
    )
    services.duty_record_verify(record=record, actor=staff_user)
    client.force_login(staff_user)
    page = client.get(reverse("history", args=["members", "dutyrecord", record.pk])).content.decode()
    changes = " ".join(part.split("</ul>")[0] for part in page.split('<ul class="changes">')[1:])
    assert "待审核" in changes and "已审核" in changes
    assert "submitted" not in changes and "verified" not in changes
