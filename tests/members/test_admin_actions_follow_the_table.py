"""The duty-record admin actions put each selected record to the review table first."""

import pytest
from django.urls import reverse

from cppcc_portal.core.errors import TransitionError
from members import services
from members.choices import DutyRecordStatus
from tests.conftest import login
from tests.members.factories import DutyRecordFactory

pytestmark = pytest.mark.django_db


def test_verifying_a_verified_record_is_refused_with_the_tables_reason_and_the_submitted_one_is_verified(
    client, staff_user, member
):
    verified = DutyRecordFactory(member=member, status=DutyRecordStatus.VERIFIED)
    submitted = DutyRecordFactory(member=member)
    with pytest.raises(TransitionError) as refused:
        services.DUTY_RECORD_WORKFLOW.require(verified, staff_user, "verify")
    login(client, staff_user)
    data = {"action": "verify", "_selected_action": [verified.pk, submitted.pk], "index": 0}
    response = client.post(reverse("admin:members_dutyrecord_changelist"), data, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert f"{verified}: {refused.value.message}" in said
    submitted.refresh_from_db()
    assert submitted.status == DutyRecordStatus.VERIFIED
