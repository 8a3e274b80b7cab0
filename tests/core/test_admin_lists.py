"""Big changelists render their rows once per column, not once per cell, and the HTML stays Django's."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import results
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cppcc_portal.core.admin_lists import LargeTableAdminMixin, large_table_results
from cppcc_portal.core.models import UserPreference
from devdata import decade as bulk
from members.choices import EnrolmentState, InvitationState
from members.models import Activity, Participation
from tests.factories import ActivityFactory, MemberFactory, SectorFactory
from tests.members.factories import ParticipationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/members/participation/"


def changelist(model_admin, user, query: str = ""):
    request = RequestFactory().get(CHANGELIST + query)
    request.user = user
    cl = model_admin.get_changelist_instance(request)
    cl.formset = None  # what changelist_view sets when no column is editable
    return cl


def rows(rendered) -> list[str]:
    return ["".join(row) for row in rendered]


@pytest.fixture
def attendance(db):
    activity = ActivityFactory(title="调研<东城>老旧小区 & 停车")
    later = ActivityFactory(title="专题协商会", starts_at=activity.starts_at + dt.timedelta(days=3))
    checked_in = timezone.make_aware(dt.datetime(2017, 5, 4, 9, 30))
    return [
        ParticipationFactory(activity=activity, attendance="present", checked_in_at=checked_in),
        ParticipationFactory(activity=activity, attendance="leave", leave_reason="出差 <外地> & 开会"),
        ParticipationFactory(activity=activity, leave_reason="   "),
        ParticipationFactory(activity=later, enrolment="waitlisted", waitlist_position=2),
        ParticipationFactory(activity=later, invitation="declined", member=MemberFactory(name="王<委员>")),
    ]


@pytest.mark.parametrize(
    "query",
    ["", "?attendance__exact=present", "?o=2.-1", "?q=%E4%B8%93%E9%A2%98&invitation__exact=declined"],
    ids=["all", "filtered", "sorted", "searched"],
)
def test_attendance_rows_are_the_html_django_renders(attendance, staff_user, query):
    cl = changelist(admin.site._registry[Participation], staff_user, query)
    assert cl.result_list, "the query matches rows"

    assert rows(large_table_results(cl)) == rows(results(cl))


def test_a_filtered_page_keeps_its_filters_in_every_row_link(attendance, staff_user, client):
    client.force_login(staff_user)
    page = client.get(CHANGELIST + "?attendance__exact=leave").content.decode()

    change = reverse("admin:members_participation_change", args=[attendance[1].pk])
    assert f'<a href="{change}?_changelist_filters=attendance__exact%3Dleave">' in page
    assert "出差 &lt;外地&gt; &amp; 开会" in page


class EveryKindOfColumn(LargeTableAdminMixin, admin.ModelAdmin):
    """Columns of each kind Django's changelist knows: fields, FK, methods, properties, callables."""

    list_display = [
        "__str__",
        "id",
        "kind",
        "starts_at",
        "enrolment_deadline",
        "capacity",
        "created_by",
        "organiser_committee_id",
        "is_training",
        "has_place",
        "starts_on",
        (lambda obj: obj.title[:2]),
    ]

    @admin.display(boolean=True, description="training")
    def is_training(self, obj):
        return obj.kind == "training"

    @admin.display(empty_value="（无）")
    def has_place(self, obj):
        return obj.place or None

    def starts_on(self, obj):
        return obj.starts_at.date()


@pytest.mark.parametrize("links", ["default", None, ["kind", "capacity"]], ids=["first", "none", "two"])
def test_every_kind_of_column_renders_as_django_renders_it(staff_user, links):
    ActivityFactory(title="学习<培训>", kind="training", capacity=30, place="")
    ActivityFactory(title="视察", kind="inspection", place="东四")
    model_admin = EveryKindOfColumn(Activity, admin.site)
    if links != "default":
        model_admin.list_display_links = links
    cl = changelist(model_admin, staff_user)

    assert rows(large_table_results(cl)) == rows(results(cl))


def test_popups_are_left_to_django(attendance, staff_user, client):
    client.force_login(staff_user)
    response = client.get(CHANGELIST + "?_popup=1")
    assert response.status_code == 200
    assert "data-popup-opener" in response.content.decode()


def sidebar(page: str) -> str:
    return page.split('<nav id="changelist-filter"', 1)[1].split("</nav>", 1)[0]


def test_the_filter_sidebar_is_the_same_from_the_cache(attendance, staff_user, client):
    client.force_login(staff_user)
    first = client.get(CHANGELIST).content.decode()
    again = client.get(CHANGELIST).content.decode()

    assert sidebar(again) == sidebar(first)
    assert "调研&lt;东城&gt;老旧小区 &amp; 停车" not in sidebar(first)  # rows are not in it
    assert 'class="selected"' in sidebar(first)  # "All" of each filter


def test_the_filter_sidebar_follows_what_it_shows(attendance, staff_user, client):
    client.force_login(staff_user)
    client.get(CHANGELIST)

    SectorFactory(name="新的界别")
    assert "新的界别" in sidebar(client.get(CHANGELIST).content.decode())

    filtered = sidebar(client.get(CHANGELIST + "?attendance__exact=leave").content.decode())
    assert '<li class="selected">\n    <a href="?attendance__exact=leave">' in filtered


def test_paging_reuses_the_sidebar_and_counts_are_never_cached(attendance, staff_user):
    model_admin = admin.site._registry[Participation]
    first = changelist(model_admin, staff_user, "?attendance__exact=present")
    second = changelist(model_admin, staff_user, "?attendance__exact=present&p=2")
    other = changelist(model_admin, staff_user, "?attendance__exact=leave")

    assert first.filters_cache_key == second.filters_cache_key != other.filters_cache_key
    assert changelist(model_admin, staff_user, "?_facets=1").filters_cache_key is None


def test_the_rows_read_only_the_columns_they_show(attendance, staff_user, client):
    client.force_login(staff_user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(CHANGELIST).content.decode()

    rows_query = next(
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "members_participation"')
    )
    assert '"members_activity"."title"' in rows_query and '"members_member"."name"' in rows_query
    assert (
        '"members_activity"."description"' not in rows_query and '"members_member"."phone"' not in rows_query
    )
    assert "出差 &lt;外地&gt; &amp; 开会" in page


def test_each_rows_checkbox_is_the_one_django_renders(attendance):
    model_admin = admin.site._registry[Participation]
    for participation in attendance:
        assert model_admin.action_checkbox(participation) == admin.ModelAdmin.action_checkbox(
            model_admin, participation
        )


def test_the_page_shows_every_row_in_the_results_table(attendance, staff_user, client):
    client.force_login(staff_user)
    response = client.get(CHANGELIST)
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]

    assert "admin/large_table_results.html" in [t.name for t in response.templates]

    assert body.count('<tr><td class="action-checkbox">') == len(attendance)
    assert body.count("</tr>") == len(attendance)


class PlaceFilter(admin.SimpleListFilter):
    title = "place"
    parameter_name = "place"
    offered = [("东四", "东四")]

    def lookups(self, request, model_admin):
        return self.offered

    def queryset(self, request, queryset):
        return queryset.filter(place=self.value()) if self.value() else queryset


def test_a_filter_of_the_projects_own_is_keyed_by_the_choices_it_shows(staff_user, monkeypatch):
    ActivityFactory(place="东四")
    model_admin = EveryKindOfColumn(Activity, admin.site)
    model_admin.list_filter = ["kind", PlaceFilter]
    before = changelist(model_admin, staff_user).filters_cache_key

    monkeypatch.setattr(PlaceFilter, "offered", [("东四", "东四"), ("朝阳门", "朝阳门")])

    assert changelist(model_admin, staff_user).filters_cache_key != before


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_invitation_and_enrolment_column_reads_in_the_users_language(
    attendance, staff_user, client, language
):
    UserPreference.objects.update_or_create(user=staff_user, defaults={"language": language})
    client.force_login(staff_user)
    page = client.get(CHANGELIST).content.decode()
    with translation.override(language):
        waitlisted = f"{InvitationState.INVITED.label} · {EnrolmentState.WAITLISTED.label} 2"
        declined = str(InvitationState.DECLINED.label)
    assert f'<td class="field-response">{waitlisted}</td>' in page
    assert f'<td class="field-response">{declined}</td>' in page


def test_every_big_list_renders_the_rows_django_renders_on_generated_data(staff_user):
    bulk.build(last_year=2017, years=1, say=lambda message: None, scale=0.002)
    big_lists = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, LargeTableAdminMixin)
    }
    assert {m._meta.label for m in big_lists} == set(BIG_LISTS)

    shown = 0
    for model, model_admin in big_lists.items():
        request = RequestFactory().get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/")
        request.user = staff_user
        cl = model_admin.get_changelist_instance(request)
        cl.formset = None
        assert rows(large_table_results(cl)) == rows(results(cl)), model._meta.label
        shown += len(cl.result_list)
    assert shown > 50


def test_the_attendance_rows_name_each_row_as_the_participation_names_itself(attendance, staff_user, client):
    client.force_login(staff_user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(CHANGELIST).content.decode()

    model_admin = admin.site._registry[Participation]
    with translation.override("zh-hans"):
        for participation in attendance:
            assert admin.ModelAdmin.action_checkbox(model_admin, participation) in page
    assert '<th class="field-activity_title"><a href="' in page
    # One query for the rows: no activity or member fetched row by row.
    assert sum('FROM "members_activity"' in q["sql"] for q in queries.captured_queries) <= 1


# The queries of each office changelist (a warm page: its filter sidebar cached), measured on the
# generated data; the big tables render with LargeTableAdminMixin, the small ones are Django's own
# changelist (the mixin measured no fewer queries and no faster there).
BIG_LISTS = {
    "core.AuditEvent": 4,
    "core.Notification": 5,
    "members.Activity": 6,
    "members.Participation": 6,
    "members.DutyRecord": 9,
    "proposals.Proposal": 6,
    "proposals.OpinionReport": 5,
}
DJANGO_LISTS = {
    "supervision.SupervisionTopic": 3,
    "supervision.SupervisionGroup": 3,
    "supervision.SupervisorAppointment": 2,
    "supervision.Recommendation": 8,
    "supervision.RectificationItem": 3,
    "proposals.BulletinIssue": 3,
}


def _analyze() -> None:
    """The planner's row estimates (which the big lists' counts use) describe this test's rows, not
    what an earlier test on the same server left in the statistics."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _queries(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_office_changelists_cost_a_pinned_number_of_queries_whatever_the_data(client, staff_user):
    client.force_login(staff_user)
    paths = {
        label: f"/admin/{label.split('.')[0]}/{label.split('.')[1].lower()}/"
        for label in {**BIG_LISTS, **DJANGO_LISTS}
    }
    bulk.build(last_year=2017, years=1, say=lambda message: None, scale=0.01)
    _analyze()
    one_year = {label: _queries(client, path) for label, path in paths.items()}
    bulk.build(last_year=2017, years=2, say=lambda message: None, scale=0.01)
    _analyze()
    two_years = {label: _queries(client, path) for label, path in paths.items()}

    assert two_years == one_year
    for label, bound in {**BIG_LISTS, **DJANGO_LISTS}.items():
        assert one_year[label] <= bound, (label, one_year[label])
    small = [m for m in admin.site._registry if m._meta.label in DJANGO_LISTS]
    assert not any(isinstance(admin.site._registry[m], LargeTableAdminMixin) for m in small)
