"""The duty-record page offers verify and reject exactly when the review table allows them to the reader."""

import pytest
from django.urls import reverse

from members import services
from members.choices import DutyRecordStatus
from members.models import CommitteeMembership
from tests.members.factories import DutyRecordFactory

pytestmark = pytest.mark.django_db


def _review_forms(client, user, record) -> set[str]:
    client.force_login(user)
    html = client.get(reverse("members:record_detail", args=[record.pk])).content.decode()
    forms = {"verify": "members:record_verify", "reject": "members:record_reject"}
    return {action for action, name in forms.items() if reverse(name, args=[record.pk]) in html}


def test_the_committee_director_sees_verify_and_reject_on_a_submitted_record(
    client, committee, committee_leader, member
):
    CommitteeMembership.objects.create(committee=committee, member=member)
    record = DutyRecordFactory(member=member)
    assert services.allowed_actions(record, committee_leader.user) == ["verify", "reject"]
    assert _review_forms(client, committee_leader.user, record) == {"verify", "reject"}


def test_the_member_sees_no_review_buttons_on_their_own_record(client, member):
    record = DutyRecordFactory(member=member)
    assert services.allowed_actions(record, member.user) == []
    assert _review_forms(client, member.user, record) == set()


@pytest.mark.parametrize("status", [DutyRecordStatus.VERIFIED, DutyRecordStatus.REJECTED])
def test_a_reviewed_record_offers_the_office_no_review_buttons(client, staff_user, member, status):
    record = DutyRecordFactory(member=member, status=status)
    assert "verify" not in services.allowed_actions(record, staff_user)
    assert _review_forms(client, staff_user, record) == set()


def test_a_rejected_record_may_be_submitted_again_by_its_member_only(member, other_member):
    record = DutyRecordFactory(member=member, status=DutyRecordStatus.REJECTED)
    assert services.allowed_actions(record, member.user) == ["resubmit"]
    assert services.allowed_actions(record, other_member.user) == []
