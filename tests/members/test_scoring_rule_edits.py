"""Staff change a scoring rule in the admin: the score page, the ranking and the records list follow at once."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cppcc_portal.core.models import AuditEvent
from members import scoring, selectors, services
from members.choices import DutyEventKind, DutyRole
from members.models import DutyRecord, ScoringRule
from tests.conftest import login
from tests.factories import ActivityFactory

YEAR = timezone.localdate().year


@pytest.fixture
def plenary_points(member, staff_user):
    """The member attended a plenary of four half-days: 4 × 5 points under the default rule."""
    services.scoring_rules_ensure_defaults(YEAR)
    start = timezone.make_aware(dt.datetime(YEAR, 1, 5, 9))
    activity = ActivityFactory(
        kind="plenary", half_days=4, starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )
    services.duty_record_from_event(
        member=member,
        event_kind=DutyEventKind.PLENARY,
        role=DutyRole.PARTICIPANT,
        occurred_on=start.date(),
        title="全体会议",
        source=activity,
        quantity=4,
    )
    return ScoringRule.objects.get(year=YEAR, event_kind="plenary", role="participant")


def _change_form(rule, points):
    return {
        "year": rule.year,
        "event_kind": rule.event_kind,
        "role": rule.role,
        "points": points,
        "yearly_cap": "",
    }


def test_a_rule_changed_in_the_admin_changes_the_score_page_the_ranking_and_the_records(
    client, plenary_points, member, staff_user
):
    record = DutyRecord.objects.get(member=member, event_kind="plenary")
    assert record.points == 20
    response = login(client, staff_user).post(
        reverse("admin:members_scoringrule_change", args=[plenary_points.pk]), _change_form(plenary_points, 8)
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.points == 32
    ranking = {m.pk: m.score for m in selectors.score_ranking(year=YEAR)}
    assert ranking[member.pk] == 32
    client.force_login(member.user)
    score_page = client.get(reverse("members:score"), {"year": YEAR}).content.decode()
    assert ">32<" in score_page
    records_page = client.get(reverse("members:records"), {"year": YEAR}).content.decode()
    assert '<td class="num">32</td>' in records_page
    event = AuditEvent.objects.get(action="members.scoring_rule.changed")
    assert event.actor == staff_user and event.changes == {"points": [5, 8]}


def test_a_rule_changed_in_the_admins_editable_list_updates_the_stored_points(
    client, plenary_points, member, staff_user
):
    rules = list(ScoringRule.objects.filter(year=YEAR).order_by("-year", "event_kind", "role"))
    data = {
        "form-TOTAL_FORMS": len(rules),
        "form-INITIAL_FORMS": len(rules),
        "_save": "Save",
        "year__exact": YEAR,
    }
    for n, rule in enumerate(rules):
        data[f"form-{n}-id"] = rule.pk
        data[f"form-{n}-points"] = 7 if rule.pk == plenary_points.pk else rule.points
        data[f"form-{n}-yearly_cap"] = rule.yearly_cap if rule.yearly_cap is not None else ""
    response = login(client, staff_user).post(
        reverse("admin:members_scoringrule_changelist") + f"?year__exact={YEAR}", data
    )
    assert response.status_code == 302
    assert DutyRecord.objects.get(member=member, event_kind="plenary").points == 28
    assert selectors.member_score(member=member, year=YEAR)["total"] == 28


def test_a_rule_deleted_in_the_admin_leaves_its_records_worth_nothing(
    client, plenary_points, member, staff_user
):
    response = login(client, staff_user).post(
        reverse("admin:members_scoringrule_delete", args=[plenary_points.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert DutyRecord.objects.get(member=member, event_kind="plenary").points is None
    assert selectors.member_score(member=member, year=YEAR)["total"] == 0
    assert AuditEvent.objects.filter(action="members.scoring_rule.deleted", actor=staff_user).exists()


def test_only_the_office_may_change_a_rule(plenary_points, member_user):
    from cppcc_portal.core.errors import PermissionDeniedError

    plenary_points.points = 50
    with pytest.raises(PermissionDeniedError):
        services.scoring_rule_save(rule=plenary_points, actor=member_user)
    assert ScoringRule.objects.get(pk=plenary_points.pk).points == 5


def test_the_stored_points_and_the_sql_expression_agree_with_the_one_rule(plenary_points, member):
    record = DutyRecord.objects.annotate(expected=scoring.record_points_sql()).get(
        member=member, event_kind="plenary"
    )
    assert record.points == record.expected == scoring.record_points(record) == 20
    assert scoring.capped_points(plenary_points, 4) == 20
