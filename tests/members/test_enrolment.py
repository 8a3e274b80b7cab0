"""Enrolling in trainings: capacity, deadline, waiting list, and two members racing for the last seat."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cppcc_portal.core import committees
from cppcc_portal.core.errors import DomainError
from members import services
from members.choices import EnrolmentState
from members.models import Participation
from tests.factories import MemberFactory, UserFactory
from tests.members.factories import TrainingFactory


def member_with_login(name):
    return MemberFactory(user=UserFactory(role="member"), name=name)


@pytest.mark.django_db(transaction=True)
def test_two_members_racing_for_the_last_seat_only_one_gets_it():
    training = TrainingFactory(capacity=1)
    racers = [member_with_login("甲"), member_with_login("乙")]
    barrier = threading.Barrier(2)
    outcomes = {}

    def enrol(member):
        try:
            barrier.wait(timeout=10)
            # A thread starts outside any committee, like a request before the middleware.
            with committees.working_for(training.tenant_id):
                outcomes[member.name] = services.enrol(activity=training, actor=member.user).enrolment
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(m,)) for m in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes.values()) == [EnrolmentState.ENROLLED, EnrolmentState.WAITLISTED]
    assert Participation.objects.filter(activity=training, enrolment=EnrolmentState.ENROLLED).count() == 1
    assert Participation.objects.get(enrolment=EnrolmentState.WAITLISTED).waitlist_position == 1


def test_cancelling_a_seat_gives_it_to_the_first_on_the_waiting_list(db, client):
    training = TrainingFactory(capacity=1)
    first, second, third = (member_with_login(n) for n in ("甲", "乙", "丙"))
    for m in (first, second, third):
        services.enrol(activity=training, actor=m.user)
    client.force_login(first.user)
    response = client.post(reverse("members:activity_enrol_cancel", args=[training.pk]))
    assert response.status_code == 302
    states = dict(Participation.objects.filter(activity=training).values_list("member__name", "enrolment"))
    assert states == {"甲": "cancelled", "乙": "enrolled", "丙": "waitlisted"}


def test_a_member_cannot_enrol_after_the_deadline(member):
    training = TrainingFactory()
    with time_machine.travel(training.enrolment_deadline + dt.timedelta(minutes=1)):
        with pytest.raises(DomainError) as refused:
            services.enrol(activity=training, actor=member.user)
    assert refused.value.code == "deadline_passed"
    assert not Participation.objects.exists()


def test_a_member_enrols_from_the_portal_and_sees_the_waiting_list_when_full(client, member, other_member):
    training = TrainingFactory(capacity=1, title="新委员培训班")
    services.enrol(activity=training, actor=other_member.user)
    client.force_login(member.user)
    home = client.get(reverse("members:portal_home")).content.decode()
    assert "新委员培训班" in home
    client.post(reverse("members:activity_enrol", args=[training.pk]), {"next": "home"})
    mine = Participation.objects.get(activity=training, member=member)
    assert (mine.enrolment, mine.waitlist_position) == ("waitlisted", 1)


def test_enrolling_twice_is_refused_with_a_message(client, member):
    training = TrainingFactory()
    client.force_login(member.user)
    client.post(reverse("members:activity_enrol", args=[training.pk]))
    response = client.post(reverse("members:activity_enrol", args=[training.pk]), follow=True)
    assert "您已报名或在候补名单中" in response.content.decode()
    assert Participation.objects.filter(activity=training).count() == 1


def test_the_api_enrols_and_reports_the_waiting_list(client, member, other_member):
    training = TrainingFactory(capacity=1, starts_at=timezone.now() + dt.timedelta(days=5))
    client.force_login(other_member.user)
    assert client.post(f"/api/v1/members/activities/{training.pk}/enrol/").json()["enrolment"] == "enrolled"
    client.force_login(member.user)
    body = client.post(f"/api/v1/members/activities/{training.pk}/enrol/").json()
    assert (body["enrolment"], body["waitlist_position"]) == ("waitlisted", 1)
