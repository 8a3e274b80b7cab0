"""The planner keeps each member's own share of the participations (members 0013), so a member's
own list reads their rows through the member index instead of walking every activity."""

import pytest
from django.db import connection

from members.models import Participation

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_the_participations_member_column_keeps_fine_statistics():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'member_id'",
            [Participation._meta.db_table],
        )
        assert cursor.fetchone()[0] == 1000
