"""The inbox, the e-mail preferences, the admin (retry, cancel, preview), the command and the schedules."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cppcc_portal.core.models import AuditEvent, Notification, NotificationState, UserPreference
from cppcc_portal.core.notifications import delivery, rules, selectors
from cppcc_portal.core.notifications.services import notify
from members.reminders import ACTIVITY_KIND
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def delivered(user, n, **extra):
    row = notify(
        recipient=user, kind=ACTIVITY_KIND, dedupe_key=f"page:{user.pk}:{n}", title=f"通知{n}", **extra
    )
    delivery.deliver(row.pk)
    row.refresh_from_db()
    return row


def test_a_member_sees_their_own_delivered_notifications_and_not_others(
    client, member_user, other_member_user
):
    mine = delivered(member_user, 1, body="明天上午九点开会")
    delivered(other_member_user, 2)
    notify(
        recipient=member_user,
        kind=ACTIVITY_KIND,
        dedupe_key="later",
        title="以后",
        due_at=timezone.now() + dt.timedelta(days=1),
    )
    client.force_login(member_user)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert mine.title in page and "明天上午九点开会" in page
    assert "通知2" not in page
    assert "以后" not in page


def test_the_header_shows_the_unread_count(client, member_user):
    for n in range(3):
        delivered(member_user, n)
    client.force_login(member_user)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert '<span class="badge">3</span>' in page


def test_marking_one_read_and_opening_its_link(client, member_user):
    row = delivered(member_user, 1, link="/portal/")
    client.force_login(member_user)
    response = client.post(reverse("notifications:mark_read", args=[row.pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == "/portal/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_a_member_cannot_mark_another_members_notification(client, member_user, other_member_user):
    theirs = delivered(other_member_user, 1)
    client.force_login(member_user)
    response = client.post(reverse("notifications:mark_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_empties_the_unread_count(client, member_user, other_member_user):
    for n in range(3):
        delivered(member_user, n)
    theirs = delivered(other_member_user, 9)
    client.force_login(member_user)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=member_user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_needs_a_login(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("rows", [5, 15])
def test_the_inbox_query_count_does_not_grow_with_notifications(
    client, member_user, rows, django_assert_max_num_queries
):
    for n in range(rows):
        delivered(member_user, n)
    client.force_login(member_user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("notifications:inbox")).status_code == 200


def test_a_member_chooses_which_kinds_also_come_by_email(client, member_user):
    client.force_login(member_user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert ACTIVITY_KIND in page
    response = client.post(reverse("notifications:preferences"), {"email_kinds": [ACTIVITY_KIND]})
    assert response.status_code == 302
    assert UserPreference.objects.get(user=member_user).email_kinds == [ACTIVITY_KIND]
    assert notify(recipient=member_user, kind=ACTIVITY_KIND, dedupe_key="mail", title="x").send_email
    assert AuditEvent.objects.filter(action="preference.email_kinds").exists()


def test_an_unknown_kind_is_refused_and_nothing_is_saved(client, member_user):
    client.force_login(member_user)
    response = client.post(reverse("notifications:preferences"), {"email_kinds": ["no.such.kind"]})
    assert response.status_code == 200
    assert not UserPreference.objects.filter(
        user=member_user, email_kinds__contains=["no.such.kind"]
    ).exists()


def failed_row(user):
    row = notify(recipient=user, kind=ACTIVITY_KIND, dedupe_key="failed", title="失败的通知")
    Notification.objects.filter(pk=row.pk).update(
        state=NotificationState.FAILED, last_error="SMTPServerDisconnected"
    )
    return row


def test_staff_filter_failed_notifications_and_send_them_again(client, staff_user, member_user):
    row = failed_row(member_user)
    client.force_login(staff_user)
    changelist = reverse("admin:core_notification_changelist")
    page = client.get(changelist, {"state__exact": "failed"}).content.decode()
    assert "失败的通知" in page
    client.post(changelist, {"action": "retry_selected", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.state == NotificationState.PENDING and row.attempts == 0
    assert delivery.sweep().sent == 1
    assert AuditEvent.objects.filter(action="notification.retry", object_id=str(row.pk)).exists()


def test_staff_cancel_a_pending_notification(client, staff_user, member_user):
    row = notify(recipient=member_user, kind=ACTIVITY_KIND, dedupe_key="c", title="取消我")
    client.force_login(staff_user)
    client.post(
        reverse("admin:core_notification_changelist"),
        {"action": "cancel_selected", "_selected_action": [row.pk]},
    )
    row.refresh_from_db()
    assert row.state == NotificationState.CANCELLED
    assert delivery.sweep().sent == 0


def test_a_leader_may_look_but_not_retry(client, leader_user, member_user):
    row = failed_row(member_user)
    client.force_login(leader_user)
    changelist = reverse("admin:core_notification_changelist")
    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "retry_selected", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.state == NotificationState.FAILED
    assert client.get(reverse("admin:core_notification_preview")).status_code == 403


def test_the_preview_shows_what_each_rule_would_send_today_without_sending(client, staff_user, member):
    from tests.members.factories import ParticipationFactory, TrainingFactory

    training = TrainingFactory(
        title="政协委员培训", starts_at=timezone.now() + dt.timedelta(hours=5), capacity=5
    )
    ParticipationFactory(activity=training, member=member, enrolment="enrolled")
    client.force_login(staff_user)
    page = client.get(reverse("admin:core_notification_preview")).content.decode()
    assert "政协委员培训" in page
    assert "members.activity_reminders" in page and "proposals.reply_due" in page
    assert not Notification.objects.exists()


def test_a_member_cannot_open_the_admin_preview(client, member_user):
    client.force_login(member_user)
    response = client.get(reverse("admin:core_notification_preview"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_the_command_sends_what_is_due_and_prints_counts(member_user, capsys):
    for n in range(3):
        notify(recipient=member_user, kind=ACTIVITY_KIND, dedupe_key=f"cmd{n}", title="x")
    call_command("send_due_notifications")
    assert "sent=3" in capsys.readouterr().out
    assert Notification.objects.filter(state=NotificationState.SENT).count() == 3


def test_every_rule_and_the_sweep_have_a_beat_schedule_that_staff_edits_survive():
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert rules.SWEEP_TASK_NAME in names
    assert {rules.RULE_TASK_PREFIX + rule.name for rule in rules.all_rules()} <= names
    rule_task = PeriodicTask.objects.get(name=rules.RULE_TASK_PREFIX + "members.activity_reminders")
    rule_task.crontab.hour = "7"
    rule_task.crontab.save()
    rules.ensure_schedules()
    rule_task.refresh_from_db()
    assert rule_task.crontab.hour == "7"
    assert PeriodicTask.objects.filter(name=rule_task.name).count() == 1


def test_every_app_registered_its_rules():
    names = {rule.name for rule in rules.all_rules()}
    assert {
        "members.activity_reminders",
        "members.attendance_not_recorded",
        "members.below_minimums",
        "members.duty_report_deadline",
        "workplan.task_due",
        "workplan.monthly_digest",
        "proposals.cosign_deadline",
        "proposals.reply_due",
        "proposals.rate_reply",
        "supervision.deadlines",
    } <= names


def test_a_user_without_preferences_reads_in_the_default_language():
    user = UserFactory(username="nopref")
    row = notify(recipient=user, kind=ACTIVITY_KIND, dedupe_key="np", title=lambda: "ok")
    assert row.title == "ok"


def test_the_api_lists_only_the_callers_notifications_and_marks_them_read(
    client, member_user, other_member_user
):
    mine = delivered(member_user, 1)
    theirs = delivered(other_member_user, 2)
    client.force_login(member_user)
    listing = client.get("/api/v1/notifications/").json()
    assert [row["id"] for row in listing["results"]] == [mine.pk]
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/api/v1/notifications/{mine.pk}/read/").json()["read_at"]
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}


def test_the_api_refuses_anonymous_callers(client):
    assert client.get("/api/v1/notifications/").status_code in (401, 403)


def test_the_preferences_page_offers_the_kinds_other_apps_send_directly(client, unit_user):
    client.force_login(unit_user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    for kind in ("proposals.assigned", "supervision.recommendation_sent", "proposals.reply_overdue"):
        assert f'value="{kind}"' in page


@pytest.mark.parametrize("rows", [5, 15])
def test_the_admin_list_query_count_does_not_grow_with_notifications(
    client, staff_user, member_user, rows, django_assert_max_num_queries
):
    for n in range(rows):
        delivered(member_user, n)
    client.force_login(staff_user)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("admin:core_notification_changelist")).status_code == 200


def test_a_long_backlog_shows_as_99_plus(client, member_user):
    for n in range(selectors.UNREAD_BADGE_LIMIT + 2):
        delivered(member_user, n)
    client.force_login(member_user)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert '<span class="badge">99+</span>' in page
