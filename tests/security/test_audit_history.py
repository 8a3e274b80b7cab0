"""Staff and leaders read an object's history; nobody edits or deletes the audit trail."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cppcc_portal.core.audit import record_event
from cppcc_portal.core.models import AuditEvent
from cppcc_portal.core.request_context import reset_current_ip, set_current_ip

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed_member(member, staff_user):
    token = set_current_ip("192.0.2.7")
    try:
        record_event(
            actor=staff_user,
            action="member.updated",
            obj=member,
            changes={"phone": ["123", "456"]},
            note="更正",
        )
    finally:
        reset_current_ip(token)
    return member


def history_url(obj):
    return reverse("history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


@pytest.mark.parametrize("persona", ["staff_user", "leader_user"])
def test_staff_and_leaders_read_who_changed_what_when_and_from_where(
    client, changed_member, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(history_url(changed_member)).content.decode()
    assert "member.updated" in page
    assert "手机" in page and "123" in page and "456" in page  # the field by its name, not its code
    assert "192.0.2.7" in page
    assert "办公室" in page  # the staff member's name
    assert "更正" in page


@pytest.mark.parametrize("persona", ["member_user", "other_member_user", "unit_user"])
def test_members_and_units_may_not_read_history(client, changed_member, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(history_url(changed_member)).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client, changed_member):
    response = client.get(history_url(changed_member))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_history_of_an_unknown_model_or_object_is_404(client, staff_user, changed_member):
    client.force_login(staff_user)
    assert client.get(reverse("history", args=["nope", "nothing", 1])).status_code == 404
    assert client.get(reverse("history", args=["members", "member", 999999])).status_code == 404


def test_history_page_stays_within_a_fixed_number_of_queries(
    client, staff_user, changed_member, django_assert_max_num_queries
):
    for i in range(20):
        record_event(actor=staff_user, action="member.updated", obj=changed_member, changes={"n": [i, i + 1]})
    client.force_login(staff_user)
    with django_assert_max_num_queries(12):
        assert client.get(history_url(changed_member)).status_code == 200


def test_admin_change_page_links_to_the_audit_trail(client, staff_user, changed_member):
    client.force_login(staff_user)
    change = client.get(reverse("admin:members_member_change", args=[changed_member.pk])).content.decode()
    assert history_url(changed_member) in change
    admin_history = client.get(reverse("admin:members_member_history", args=[changed_member.pk]))
    assert history_url(changed_member) in admin_history.content.decode()


def test_audit_rows_cannot_be_added_changed_or_deleted_in_the_admin(client, staff_user, changed_member):
    client.force_login(staff_user)
    event = AuditEvent.objects.get(action="member.updated")
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:core_auditevent_delete", args=[event.pk])).status_code == 403
    assert (
        client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    # The change page only shows the row; a POST changes nothing.
    client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {"action": "forged", "note": "x"})
    event.refresh_from_db()
    assert event.action == "member.updated"
    changelist = client.get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert "delete_selected" not in changelist
    bulk = client.post(
        reverse("admin:core_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk]},
    )
    assert bulk.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_history_lists_rows_of_a_deleted_object_too(client, staff_user, other_member):
    record_event(actor=staff_user, action="member.deleted", obj=other_member)
    ct = ContentType.objects.get_for_model(other_member)
    pk = other_member.pk
    other_member.delete()
    client.force_login(staff_user)
    page = client.get(reverse("history", args=[ct.app_label, ct.model, pk]))
    assert page.status_code == 200
    assert "member.deleted" in page.content.decode()
