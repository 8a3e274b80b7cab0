"""The committee in hand is the query scope: a forgotten filter cannot show one committee's rows to another.

Test code works for committee number one (tests/conftest.py). Code that runs in a thread of its
own starts outside any committee, as a Celery worker or a command does: there a query on a
committee-owned model fails unless the code puts its committee in hand itself.
"""

import threading

import pytest
from django.db import connections
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import ScopeError

from cppcc_portal.core import committees
from cppcc_portal.core.committees import CommitteeMiddleware
from cppcc_portal.dashboard import figures
from cppcc_portal.dashboard import selectors as dashboard_selectors
from cppcc_portal.dashboard import tasks as dashboard_tasks
from cppcc_portal.dashboard.models import YearFigures
from meetings.forms import AttendanceReportForm
from members.models import Member, SpecialCommittee
from proposals import similarity
from proposals import tasks as proposal_tasks
from tests.conftest import login
from tests.factories import (
    ActivityFactory,
    CommitteeFactory,
    MemberFactory,
    SpecialCommitteeFactory,
    TermFactory,
    UserFactory,
    WorkPlanFactory,
)


def outside_any_committee(work):
    """Run work() in a thread of its own, which starts with no committee in hand (like a worker)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.fixture
def district(db):
    return CommitteeFactory(
        slug="xicheng", short_name="西城区政协", name="中国人民政治协商会议北京市西城区委员会"
    )


@pytest.fixture
def district_member(district):
    """A member of the district only (the district's own term: committee one's is not its)."""
    with committees.working_for(district):
        return MemberFactory(name="西城委员", term=TermFactory(number=15))


def test_a_query_outside_any_committee_fails_instead_of_reading_every_committee():
    with pytest.raises(ScopeError):
        outside_any_committee(lambda: Member.objects.count())
    with pytest.raises(ScopeError):
        outside_any_committee(lambda: list(SpecialCommittee.objects.filter(name="提案委员会")))


def test_test_code_works_for_committee_one_and_working_for_changes_it(district_member, member):
    assert list(Member.objects.values_list("name", flat=True)) == ["张委员"]
    with committees.working_for(district_member.tenant):
        assert list(Member.objects.values_list("name", flat=True)) == ["西城委员"]
    with committees.across_committees():
        assert Member.objects.count() == 2


def test_a_view_with_no_filter_of_its_own_sees_only_its_requests_committee(district, district_member, member):
    def every_member_name(request):
        """A view that forgot to filter by committee."""
        return sorted(Member.objects.values_list("name", flat=True))

    district_user = UserFactory(username="xicheng")
    committees.seat_add(actor=None, user=district_user, committee=district)
    request = RequestFactory().get("/")
    request.session, request.user = {}, district_user
    assert CommitteeMiddleware(every_member_name)(request) == ["西城委员"]
    request.user = member.user
    assert CommitteeMiddleware(every_member_name)(request) == ["张委员"]


def test_the_admin_list_of_committee_one_shows_none_of_the_districts_members(
    client, staff_user, member, district_member
):
    login(client, staff_user)
    page = client.get(reverse("admin:members_member_changelist")).content.decode()
    assert "张委员" in page
    assert "西城委员" not in page


def test_a_form_offers_the_special_committees_of_the_committee_in_hand_only(district):
    SpecialCommitteeFactory(name="提案委员会")
    with committees.working_for(district):
        SpecialCommitteeFactory(name="西城区提案委员会")
        offered = [str(choice) for choice in AttendanceReportForm().fields["committee"].queryset]
    assert offered == ["西城区提案委员会"]
    assert [str(c) for c in AttendanceReportForm().fields["committee"].queryset] == ["提案委员会"]


@pytest.mark.django_db(transaction=True)
def test_a_task_run_outside_any_committee_works_for_the_committee_it_was_given(district):
    with committees.working_for(district):
        WorkPlanFactory(year=2016, title="西城区政协2016年工作要点")

    # A task acting on rows is given its committee: it works in the worker's empty context.
    assert (
        outside_any_committee(lambda: proposal_tasks.index_for_similarity("proposal", 0, district.pk))
        is False
    )
    # Its body without the committee would fail, not empty another committee's entry.
    with pytest.raises(ScopeError):
        outside_any_committee(lambda: similarity.index_proposal(0))

    # A sweep works for every committee in turn: each gets its own stored figures.
    outside_any_committee(lambda: dashboard_tasks.refresh_year_figures(2016))
    with committees.across_committees():
        stored = {row.tenant_id: row.figures for row in YearFigures.objects.filter(year=2016)}
    assert set(stored) == {committees.default().pk, district.pk}
    assert stored[district.pk]["plan"].get("exists") is not False
    assert stored[committees.default().pk]["plan"] == {"exists": False}


def test_stored_figures_and_cached_years_are_each_committees_own(district):
    with committees.working_for(district):
        WorkPlanFactory(year=2016, title="西城区政协2016年工作要点")

    # Committee one reads (and caches) first; the district must not get committee one's values.
    one_years, _shown = dashboard_selectors.year_choices()
    one_figures, _at = figures.year_figures(2016)
    with committees.working_for(district):
        district_years, _shown = dashboard_selectors.year_choices()
        district_figures, _at = figures.year_figures(2016)
        assert YearFigures.objects.get(year=2016).tenant == district
    assert 2016 in district_years and 2016 not in one_years
    assert one_figures["plan"] == {"exists": False}
    assert district_figures["plan"] != one_figures["plan"]
    # Read again: each still gets its own (from the stored row and the cache now).
    assert figures.year_figures(2016)[0]["plan"] == {"exists": False}
    assert 2016 not in dashboard_selectors.year_choices()[0]


def test_a_write_marks_only_its_own_committees_figures_stale(district, django_capture_on_commit_callbacks):
    figures.year_figures(2016)
    with committees.working_for(district):
        figures.year_figures(2016)
        with django_capture_on_commit_callbacks(execute=True):
            WorkPlanFactory(year=2016, title="西城区政协2016年工作要点")
        assert YearFigures.objects.get(year=2016).stale
    assert not YearFigures.objects.get(year=2016).stale


def test_a_command_names_the_committee_it_works_for(district):
    from django.core.management.base import CommandError

    with committees.working_for_command("xicheng") as committee:
        assert committee == district and Member.objects.count() == 0
    with committees.working_for_command(None) as committee:
        assert committee == committees.default()
    with pytest.raises(CommandError, match="nowhere"):
        with committees.working_for_command("nowhere"):
            pass


# Models of ours that are not one committee's rows, each with the reason. Every other model is
# scoped, by its own `tenant` or through a parent's. Django's own many-to-many link tables
# (`Proposal.items.through`) are not listed: they are read through the scoped managers of their ends.
NOT_A_COMMITTEES_ROWS = {
    "core.Committee": "the committees themselves: the scope's values",
    "core.CommitteeSeat": "a person's seats in every committee: read to find the committees they work in",
    "core.AuditEvent": "the installation's one audit trail, sealed in a single chain",
    "core.AuditSeal": "the seals of that one chain",
    "core.UserPreference": "a person's own settings, the same in every committee",
    "core.Notification": "a person's inbox across their committees (each notice names its committee)",
    "core.NotificationDelivery": "the delivery attempts of a notice in that inbox",
    "core.PasswordState": "a login's password age: one login for every committee",
    "core.AccountSession": "a login's live session: one login for every committee",
    "core.IdempotencyKey": "a person's retried API writes, before any committee's row is read",
    "members.Party": "the national list of parties, shared by every committee",
    "members.Sector": "the national list of sectors (界别), shared by every committee",
    "proposals.Forwarding": "a link between two committees' rows: read across committees on purpose",
    "proposals.SimilarityEntry": "the similarity index of every committee's texts, read across committees",
    "dashboard.ExportJob": "a person's own export request; the export reads the committee it was queued in",
}
OUR_APPS = (
    "core",
    "workplan",
    "members",
    "meetings",
    "proposals",
    "supervision",
    "consultations",
    "dashboard",
)


def _committee_path_is_sound(model, path: str) -> bool:
    """Each step a non-null foreign key forward (no row lost, none doubled), ending on ``tenant``."""
    from cppcc_portal.core.models import Committee

    *steps, last = path.split("__")
    for step in steps:
        field = model._meta.get_field(step)
        if not (field.many_to_one or field.one_to_one) or not field.concrete or field.null:
            return False
        model = field.related_model
    field = model._meta.get_field(last)
    return last == "tenant" and field.related_model is Committee and not field.null


def test_every_model_is_scoped_to_the_committee_in_hand_or_listed_with_a_reason():
    from django.apps import apps

    ours = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]
    unscoped, unsound = [], []
    for model in ours:
        label = model._meta.label
        path = getattr(model._default_manager, "committee_path", None)
        if label in NOT_A_COMMITTEES_ROWS:
            assert path is None, f"{label} is scoped: take it off the list"
        elif path is None:
            unscoped.append(label)
        elif not _committee_path_is_sound(model, path):
            unsound.append(f"{label}: {path}")
        else:
            # With no committee in hand its queries fail instead of reading every committee's rows.
            with pytest.raises(ScopeError):
                model._default_manager.with_scope().count()
    assert unscoped == [], "scope these (committees.scoped_manager) or list them with a reason"
    assert unsound == []
    assert set(NOT_A_COMMITTEES_ROWS) <= {m._meta.label for m in ours}
    assert len(ours) - len(NOT_A_COMMITTEES_ROWS) >= 75


def test_a_child_row_of_another_committee_is_not_read_even_through_a_join_or_a_prefetch(district):
    from members.models import Activity, Participation

    mine = ActivityFactory(title="本会视察")
    Participation.objects.create(activity=mine, member=MemberFactory(name="本会委员"))
    with committees.working_for(district):
        theirs = ActivityFactory(title="西城视察")
        Participation.objects.create(activity=theirs, member=MemberFactory(term=TermFactory(number=15)))
        assert list(Participation.objects.values_list("activity__title", flat=True)) == ["西城视察"]
    # A forgotten filter reads committee one's participations only.
    assert list(Participation.objects.values_list("activity__title", flat=True)) == ["本会视察"]
    # Related access and prefetches of its own rows still work inside its scope.
    activity = Activity.objects.prefetch_related("participations__member").get(pk=mine.pk)
    assert [p.member.name for p in activity.participations.all()] == ["本会委员"]
    assert mine.participations.count() == 1
    with pytest.raises(ScopeError):
        outside_any_committee(lambda: Participation.objects.count())
