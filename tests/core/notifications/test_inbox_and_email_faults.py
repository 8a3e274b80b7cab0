"""The inbox never depends on e-mail, marking read works without a surrounding transaction,
and e-mail headers survive whatever a title contains (issue 13, defects 10, 13 and 15)."""

import smtplib

import pytest
from django.core import mail
from django.urls import reverse

from cppcc_portal.core.models import Notification, NotificationState, UserPreference
from cppcc_portal.core.notifications import delivery
from cppcc_portal.core.notifications.channels import EmailChannel
from cppcc_portal.core.notifications.kinds import register_kind
from cppcc_portal.core.notifications.services import notify
from tests.factories import UserFactory

KIND = "tests.faults"
register_kind(KIND, "Faults (tests)")


def queue(user, key, title="提醒", **kwargs):
    return notify(recipient=user, kind=KIND, dedupe_key=key, title=title, link="/portal/", **kwargs)


def wants_mail(user):
    UserPreference.objects.update_or_create(user=user, defaults={"email_kinds": [KIND]})


# Defect 10: these run in autocommit, as gunicorn does, with no test transaction around the view.


@pytest.mark.usefixtures("transactional_db")
def test_a_member_marks_one_notification_read_on_the_page_outside_any_transaction(client):
    person = UserFactory(username="reader")
    row = queue(person, "read-page")
    client.force_login(person)
    response = client.post(reverse("notifications:mark_read", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.read_at is not None


@pytest.mark.usefixtures("transactional_db")
def test_a_member_marks_one_notification_read_through_the_api_outside_any_transaction(client):
    person = UserFactory(username="api-reader")
    row = queue(person, "read-api")
    client.force_login(person)
    response = client.post(f"/api/v1/notifications/{row.pk}/read/")
    assert response.status_code == 200, response.content
    assert response.json()["read_at"] is not None
    first_read = Notification.objects.get(pk=row.pk).read_at
    client.post(f"/api/v1/notifications/{row.pk}/read/")
    assert Notification.objects.get(pk=row.pk).read_at == first_read


@pytest.mark.usefixtures("transactional_db")
def test_someone_elses_notification_cannot_be_marked_read():
    from django.test import Client

    owner, other = UserFactory(username="owner"), UserFactory(username="other")
    row = queue(owner, "not-yours")
    client = Client()
    client.force_login(other)
    assert client.post(f"/api/v1/notifications/{row.pk}/read/").status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[row.pk])).status_code == 404
    assert Notification.objects.get(pk=row.pk).read_at is None


# Defect 13: a line break in a title.


@pytest.mark.django_db
def test_a_title_with_a_line_break_still_reaches_the_inbox_and_the_mailbox_on_one_line(client):
    person = UserFactory(username="cosigner", email="cosigner@example.org")
    wants_mail(person)
    row = queue(person, "newline", title="关于加强\r\n社区养老\n服务的提案")
    delivery.deliver(row.pk)
    row.refresh_from_db()
    assert row.state == NotificationState.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "关于加强 社区养老 服务的提案"
    client.force_login(person)
    assert "关于加强 社区养老 服务的提案" in client.get(reverse("notifications:inbox")).content.decode()


@pytest.mark.django_db
def test_a_notification_whose_email_fails_for_good_is_still_in_the_inbox(client, monkeypatch, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    person = UserFactory(username="unlucky", email="unlucky@example.org")
    wants_mail(person)
    row = queue(person, "fails", title="会议通知")

    def refuse(self, notification):
        raise smtplib.SMTPRecipientsRefused({"unlucky@example.org": (550, b"no")})

    monkeypatch.setattr(EmailChannel, "send", refuse)
    delivery.deliver(row.pk)
    row.refresh_from_db()
    assert row.state == NotificationState.FAILED
    client.force_login(person)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "会议通知" in page
    assert client.post(reverse("notifications:mark_read", args=[row.pk])).status_code == 302


# Defect 15: a batch whose worker died is in the inbox at once; a repeated e-mail is recognisable.


@pytest.mark.django_db
def test_a_batch_claimed_by_a_worker_that_died_is_in_the_inbox_before_the_claim_times_out(client):
    person = UserFactory(username="batch", email="batch@example.org")
    wants_mail(person)
    rows = [queue(person, f"batch-{n}", title=f"批次{n}") for n in range(3)]
    delivery.claim_batch(limit=10)  # … and the worker is killed before it sends anything
    assert set(Notification.objects.values_list("state", flat=True)) == {NotificationState.SENDING}
    client.force_login(person)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert all(row.title in page for row in rows)
    assert '<span class="badge">3</span>' in page


@pytest.mark.django_db
def test_each_row_is_marked_sent_right_after_its_email_so_a_crash_repeats_at_most_one(monkeypatch):
    person = UserFactory(username="crash", email="crash@example.org")
    wants_mail(person)
    rows = [queue(person, f"crash-{n}") for n in range(3)]
    sent_before_crash = []
    original = EmailChannel.send

    def send_then_die_on_the_third(self, notification):
        if len(sent_before_crash) == 2:
            raise KeyboardInterrupt  # the process is killed while sending the third
        original(self, notification)
        sent_before_crash.append(notification.pk)

    monkeypatch.setattr(EmailChannel, "send", send_then_die_on_the_third)
    token = delivery.claim_batch(limit=10)
    with pytest.raises(KeyboardInterrupt):
        delivery.deliver_claimed(token)
    states = dict(Notification.objects.values_list("pk", "state"))
    assert [states[row.pk] for row in rows] == [
        NotificationState.SENT,
        NotificationState.SENT,
        NotificationState.SENDING,
    ]


@pytest.mark.django_db
def test_every_email_of_a_notification_carries_the_same_message_id(settings):
    person = UserFactory(username="twice", email="twice@example.org")
    wants_mail(person)
    row = queue(person, "twice")
    delivery.deliver(row.pk)
    Notification.objects.filter(pk=row.pk).update(state=NotificationState.PENDING)
    row.deliveries.all().delete()  # as if the worker died before recording the first e-mail
    delivery.deliver(row.pk)
    assert len(mail.outbox) == 2
    first, second = (message.extra_headers["Message-ID"] for message in mail.outbox)
    assert first == second and first.startswith(f"<notification.{row.pk}.")
    assert first.endswith("@localhost>")
