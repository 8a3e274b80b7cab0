"""The audit trail is a hash chain: a row edited or deleted in the database is detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cppcc_portal.core import audit_chain
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def three_sealed_events(staff_user):
    """Three audited changes, committed and sealed as a live request leaves them."""
    subject = UserFactory(username="subject")
    events = [
        record_event(actor=staff_user, action=action, obj=subject, changes={"name": ["甲", "乙"]})
        for action in ("update", "deactivate", "activate")
    ]
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


def test_rows_are_sealed_in_order_once_their_transaction_commits(three_sealed_events):
    # No explicit sealing: record_event sealed each row right after its commit.
    assert [e.seal_seq for e in three_sealed_events] == [1, 2, 3]
    assert all(len(e.seal_hash) == 64 for e in three_sealed_events)
    assert audit_chain.verify().intact


def test_verify_audit_says_the_trail_is_intact(three_sealed_events, capsys):
    call_command("verify_audit")
    assert "audit trail intact: 3 rows checked" in capsys.readouterr().out


def test_a_row_edited_in_the_database_is_detected(three_sealed_events):
    edited = three_sealed_events[1]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET note = 'nothing happened' WHERE id = %s", [edited.pk])

    with pytest.raises(CommandError, match="tampered"):
        call_command("verify_audit")
    assert audit_chain.verify().problems == [f"row id {edited.pk} (chain position 2) was changed"]


def test_a_row_deleted_in_the_database_is_detected(three_sealed_events):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [three_sealed_events[1].pk])

    problems = audit_chain.verify().problems
    assert problems == [
        f"rows 2–2 of the chain are missing (deleted) before row id {three_sealed_events[2].pk}"
    ]


def test_the_last_rows_deleted_in_the_database_are_detected(three_sealed_events):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [three_sealed_events[2].pk])

    assert audit_chain.verify().problems == ["rows 3–3 at the end of the chain are missing (deleted)"]


def test_the_trail_cannot_be_deleted_or_rewritten_through_the_orm(three_sealed_events):
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        three_sealed_events[0].delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(note="rewritten")
    assert AuditEvent.objects.count() == 3


def test_deleting_an_account_keeps_its_rows_verifiable_and_named(three_sealed_events, staff_user):
    staff_user.delete()

    event = AuditEvent.objects.get(pk=three_sealed_events[0].pk)
    assert event.actor is None and event.account == "staff"
    assert audit_chain.verify().intact


def test_rows_written_in_bulk_are_sealed_by_the_periodic_task(three_sealed_events, staff_user):
    from cppcc_portal.core.tasks import seal_audit_events

    template = three_sealed_events[0]
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=staff_user,
                account="staff",
                action="import",
                content_type=template.content_type,
                object_id=template.object_id,
                object_repr="row",
            )
            for _ in range(5)
        ]
    )

    assert seal_audit_events() == 5
    assert audit_chain.verify().checked == 8 and audit_chain.verify().intact


def test_sign_ins_failures_and_sign_outs_are_audited_with_their_outcome(client, member_user):
    from tests.conftest import PASSWORD

    client.post("/accounts/login/", {"username": "member", "password": "wrong"})
    client.post("/accounts/login/", {"username": "nobody-by-that-name", "password": "wrong"})
    client.post("/accounts/login/", {"username": "member", "password": PASSWORD})
    client.post("/accounts/logout/")

    rows = list(AuditEvent.objects.order_by("id").values_list("action", "account", "outcome"))
    assert rows == [
        ("login_failed", "member", "failure"),
        ("login_failed", "nobody-by-that-name", "failure"),
        ("login", "member", "success"),
        ("logout", "member", "success"),
    ]
    assert audit_chain.verify().intact
