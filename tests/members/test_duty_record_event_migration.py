"""Migration 0009 moves DutyRecordEvent onto `core.models.TransitionEvent` by renaming its columns:
a row written under the old names (from_status, to_status, at) reads back whole under the new ones."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from members.models import DutyRecordEvent
from tests.members.factories import DutyRecordFactory

BEFORE = [("members", "0008_duty_points_follow_rules")]
AFTER = [("members", "0009_dutyrecordevent_transition_event")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_an_event_written_before_the_migration_reads_back_with_its_states_note_time_and_actor(staff_user):
    record = DutyRecordFactory()
    at = dt.datetime(2019, 3, 5, 9, 30, tzinfo=dt.UTC)
    # Back to the newest schema at the end, whatever came after 0009 (the committees' ownership): the
    # next tests on this database need it.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO "members_dutyrecordevent" ("record_id", "actor_id", "from_status", "to_status",'
                ' "note", "at") VALUES (%s, %s, %s, %s, %s, %s)',
                [record.pk, staff_user.pk, "submitted", "verified", "核实：有签到表", at],
            )
        _migrate(AFTER)
    finally:
        _migrate(latest)
    event = DutyRecordEvent.objects.get(record=record, note="核实：有签到表")
    assert (event.from_state, event.to_state) == ("submitted", "verified")
    assert event.created_at == at
    assert event.actor == staff_user
    assert str(event) == "submitted → verified"
