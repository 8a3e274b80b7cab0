"""Appointments edited in the admin go through the service: a term start appoints, every change is audited."""

import datetime as dt

import pytest
from django.urls import reverse

from cppcc_portal.core.errors import PermissionDeniedError
from cppcc_portal.core.models import AuditEvent
from supervision import services
from supervision.choices import AppointmentStatus
from supervision.models import SupervisorAppointment


def _form(appointment, **changes):
    data = {
        "member": appointment.member_id,
        "post": appointment.post,
        "organisation": appointment.organisation,
        "term_start": appointment.term_start or "",
        "term_end": appointment.term_end or "",
        "recommended_on": appointment.recommended_on,
        "note": appointment.note,
        "reports-TOTAL_FORMS": 0,
        "reports-INITIAL_FORMS": 0,
        "reports-MIN_NUM_FORMS": 0,
        "reports-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return data


@pytest.fixture
def recommended(member, staff_user):
    return services.appointment_recommend(
        member=member,
        post=SupervisorAppointment._meta.get_field("post").choices[0][0],
        organisation="区纪委监委",
        recommended_on=dt.date(2026, 3, 1),
        actor=staff_user,
    )


def test_a_term_start_entered_in_the_admin_appoints_the_recommended_member(client, staff_user, recommended):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:supervision_supervisorappointment_change", args=[recommended.pk]),
        _form(recommended, term_start="2026-04-01", term_end="2028-03-31"),
    )
    assert response.status_code == 302
    recommended.refresh_from_db()
    assert recommended.status == AppointmentStatus.APPOINTED
    assert recommended.term_start == dt.date(2026, 4, 1)
    assert AuditEvent.objects.filter(action="supervision.appointment_appointed", actor=staff_user).exists()


def test_an_appointments_organisation_changed_in_the_admin_is_audited(client, staff_user, recommended):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:supervision_supervisorappointment_change", args=[recommended.pk]),
        _form(recommended, organisation="区监察委员会"),
    )
    assert response.status_code == 302
    recommended.refresh_from_db()
    assert recommended.organisation == "区监察委员会"
    assert recommended.status == AppointmentStatus.RECOMMENDED
    event = AuditEvent.objects.get(action="supervision.appointment_changed")
    assert event.actor == staff_user and event.changes["organisation"] == ["区纪委监委", "区监察委员会"]


def test_a_member_may_not_edit_an_appointment(recommended, member_user):
    with pytest.raises(PermissionDeniedError):
        services.appointment_update(appointment=recommended, actor=member_user, organisation="别处")
    recommended.refresh_from_db()
    assert recommended.organisation == "区纪委监委"
