"""bulk_insert: many rows in one COPY, every value as it was, ids from the table's sequence."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from cppcc_portal.core.bulk_insert import bulk_insert
from cppcc_portal.core.models import AuditEvent
from members.models import Activity, Participation
from tests.factories import ActivityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

AWKWARD_TEXTS = ['他说"好", 然后走了', "第一行\n第二行", "\\N", "", "a,b,,c", "'; DROP TABLE x; --"]


def test_every_value_arrives_as_it_was_and_ids_come_back(staff_user):
    activity_type = ContentType.objects.get_for_model(Activity)
    events = [
        AuditEvent(
            actor=staff_user if n % 2 else None,
            action="bulk.test",
            content_type=activity_type,
            object_id=str(n),
            object_repr=text,
            changes={"text": text, "n": n, "list": [1, None, "二"]},
            note=text,
            ip_address="10.0.0.1" if n % 2 else None,
        )
        for n, text in enumerate(AWKWARD_TEXTS)
    ]

    bulk_insert(AuditEvent, events, with_ids=True)

    assert all(e.pk for e in events) and len({e.pk for e in events}) == len(events)
    for event in events:
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.note == stored.object_repr == event.note
        assert stored.changes == event.changes
        assert stored.actor_id == event.actor_id and stored.ip_address == event.ip_address
        assert stored.created_at is not None


def test_ids_are_taken_from_the_sequence_so_later_inserts_do_not_clash():
    activity_type = ContentType.objects.get_for_model(Activity)
    batch = [
        AuditEvent(action="a", content_type=activity_type, object_id="1", object_repr="x") for _ in range(3)
    ]
    bulk_insert(AuditEvent, batch, with_ids=True)

    later = AuditEvent.objects.create(action="b", content_type=activity_type, object_id="2", object_repr="y")

    assert later.pk > max(e.pk for e in batch)


def test_rows_without_ids_are_inserted_and_saved_instances_are_marked_saved():
    activity = ActivityFactory()
    rows = [Participation(activity_id=activity.pk, member_id=MemberFactory().pk) for _ in range(4)]

    bulk_insert(Participation, rows)

    assert Participation.objects.filter(activity=activity).count() == 4
    assert not any(p._state.adding for p in rows)


def test_a_row_that_breaks_a_constraint_inserts_nothing():
    activity, member = ActivityFactory(), MemberFactory()
    rows = [Participation(activity_id=activity.pk, member_id=member.pk) for _ in range(2)]

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Participation, rows)

    assert not Participation.objects.filter(activity=activity).exists()


def test_nothing_to_insert_costs_no_query(django_assert_num_queries):
    UserFactory()
    with django_assert_num_queries(0):
        bulk_insert(Participation, [])
