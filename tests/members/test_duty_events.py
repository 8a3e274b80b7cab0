"""Duty records created by other workflows: verified, idempotent, withdrawable."""

import datetime as dt

from members import services
from members.choices import DutyEventKind, DutyRecordStatus, DutyRole
from members.models import DutyRecord
from tests.factories import ActivityFactory


def test_an_event_becomes_one_verified_record_however_often_it_is_reported(member, staff_user):
    source = ActivityFactory()
    for _ in range(3):
        record = services.duty_record_from_event(
            member=member,
            event_kind=DutyEventKind.MEETING,
            role=DutyRole.PARTICIPANT,
            occurred_on=dt.date(2017, 3, 1),
            title="座谈会",
            source=source,
            actor=staff_user,
        )
    assert record.status == DutyRecordStatus.VERIFIED
    assert DutyRecord.objects.filter(member=member).count() == 1


def test_withdrawing_an_event_removes_its_record_only(member, staff_user):
    kept, withdrawn = ActivityFactory(), ActivityFactory()
    for source in (kept, withdrawn):
        services.duty_record_from_event(
            member=member,
            event_kind=DutyEventKind.MEETING,
            role=DutyRole.PARTICIPANT,
            occurred_on=dt.date(2017, 3, 1),
            title=source.title,
            source=source,
        )
    removed = services.duty_record_withdraw_event(
        member=member, event_kind=DutyEventKind.MEETING, source=withdrawn, actor=staff_user
    )
    assert removed == 1
    assert list(DutyRecord.objects.values_list("title", flat=True)) == [kept.title]
