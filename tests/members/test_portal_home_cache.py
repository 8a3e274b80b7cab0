"""The member's portal home is kept as rendered HTML per reader (issue 21): a repeat view costs no
query of its content, every write it shows is on the next view, the clock alone moves it when an
activity starts or ends or a deadline passes, and no other reader ever sees it."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from cppcc_portal.core import roles
from members import selectors, services, views
from members.attendance_import import AttendanceRow, attendance_import_rows
from members.choices import Attendance
from members.models import Participation
from tests.conftest import login, without_csrf_tokens
from tests.factories import ActivityFactory, MemberFactory, UserFactory
from tests.members.factories import ParticipationFactory, TrainingFactory

pytestmark = pytest.mark.django_db

HOME = "/portal/"


def home(client) -> str:
    response = client.get(reverse("members:portal_home"))
    assert response.status_code == 200
    return response.content.decode()


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def url(name: str, activity) -> str:
    return f'"{reverse(f"members:{name}", args=[activity.pk])}"'


def test_a_second_view_of_the_portal_home_costs_no_query_and_shows_the_same(
    client, member, django_assert_num_queries
):
    ParticipationFactory(member=member)
    TrainingFactory()
    login(client, member.user)
    first = home(client)
    with django_assert_num_queries(0):
        assert without_csrf_tokens(home(client)) == without_csrf_tokens(first)


def test_an_invitation_accepted_through_the_page_shows_on_the_next_view(client, member):
    activity = ActivityFactory()
    ParticipationFactory(member=member, activity=activity)
    login(client, member.user)
    assert url("activity_accept", activity) in home(client)
    response = client.post(reverse("members:activity_accept", args=[activity.pk]), {"next": "home"})
    assert response.status_code == 302
    page = home(client)
    assert url("activity_accept", activity) not in page
    assert 'class="tag ok"' in page


def test_a_new_invitation_bulk_inserted_by_the_office_shows_on_the_next_view(client, member, staff_user):
    login(client, member.user)
    activity = ActivityFactory(title="界别委员座谈会")
    assert "界别委员座谈会" not in home(client)
    services.activity_invite(activity=activity, members=[member], actor=staff_user)
    assert "界别委员座谈会" in home(client)


def test_another_members_enrolment_fills_the_class_on_the_next_view(client, member):
    training = TrainingFactory(capacity=1)
    login(client, member.user)
    assert zh("Join the waiting list") not in home(client)
    other = MemberFactory(user=UserFactory(role=roles.MEMBER))
    services.enrol(activity=training, actor=other.user)
    assert zh("Join the waiting list") in home(client)


def test_a_submitted_duty_record_shows_as_awaiting_verification_on_the_next_view(client, member):
    login(client, member.user)
    with translation.override("zh-hans"):
        awaiting = ngettext(
            "%(counter)s record awaits verification.", "%(counter)s records await verification.", 1
        ) % {"counter": 1}
    assert awaiting not in home(client)
    services.duty_record_submit(
        member=member,
        actor=member.user,
        event_kind="self_reported",
        occurred_on=timezone.localdate(),
        title="走访困难群众",
    )
    assert awaiting in home(client)


def test_attendance_imported_without_signals_shows_on_the_next_view(client, member, staff_user):
    now = timezone.now()
    activity = ActivityFactory(starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1))
    ParticipationFactory(member=member, activity=activity)
    login(client, member.user)
    assert 'class="tag ok"' not in home(client)
    attendance_import_rows(
        actor=staff_user,
        rows=[AttendanceRow(activity=activity, member=member, attendance=Attendance.PRESENT)],
    )
    assert Participation.objects.get().attendance == Attendance.PRESENT
    assert 'class="tag ok"' in home(client)


def test_an_activity_that_starts_takes_its_answers_away_and_opens_its_check_in_without_a_write(
    client, member
):
    activity = ActivityFactory(
        starts_at=timezone.now() + dt.timedelta(minutes=10),
        ends_at=timezone.now() + dt.timedelta(hours=2),
        check_in_code="4711",
    )
    ParticipationFactory(member=member, activity=activity)
    login(client, member.user)
    page = home(client)
    assert url("activity_accept", activity) in page and url("activity_check_in", activity) not in page
    with time_machine.travel(activity.starts_at + dt.timedelta(minutes=1)):
        page = home(client)
    assert url("activity_accept", activity) not in page and url("activity_check_in", activity) in page


def test_an_activity_that_ends_leaves_the_list_without_a_write(client, member):
    now = timezone.now()
    activity = ActivityFactory(
        title="视察调研", starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(minutes=10)
    )
    ParticipationFactory(member=member, activity=activity)
    login(client, member.user)
    assert "视察调研" in home(client)
    with time_machine.travel(activity.ends_at + dt.timedelta(minutes=1)):
        assert "视察调研" not in home(client)


def test_a_training_whose_enrolment_deadline_passes_leaves_the_list_without_a_write(client, member):
    training = TrainingFactory(
        title="履职能力培训班", enrolment_deadline=timezone.now() + dt.timedelta(minutes=10)
    )
    login(client, member.user)
    assert "履职能力培训班" in home(client)
    with time_machine.travel(training.enrolment_deadline + dt.timedelta(minutes=1)):
        assert "履职能力培训班" not in home(client)


def test_the_score_of_the_new_year_shows_from_midnight_on_new_years_day(client, member):
    eve = timezone.make_aware(dt.datetime(2026, 12, 31, 23, 50))
    with time_machine.travel(eve, tick=False) as traveller:
        login(client, member.user)
        with translation.override("zh-hans"):
            heading = [gettext("My score in %(year)s") % {"year": year} for year in (2026, 2027)]
        assert heading[0] in home(client)
        traveller.shift(dt.timedelta(minutes=15))
        page = home(client)
    assert heading[1] in page and heading[0] not in page


def test_another_member_another_session_and_another_language_each_get_their_own_page(
    client, member, other_member, monkeypatch
):
    ParticipationFactory(member=member, activity=ActivityFactory(title="张委员的调研"))
    login(client, member.user)
    mine = home(client)
    assert "张委员的调研" in mine

    other = login(Client(), other_member.user)
    theirs = home(other)
    assert "李委员" in theirs and "张委员" not in theirs and "张委员的调研" not in theirs

    # The same member signed in again (a new session, a new CSRF secret) is rendered anew.
    rendered = []
    render = views._portal_home
    monkeypatch.setattr(views, "_portal_home", lambda request: rendered.append(1) or render(request))
    home(client)
    assert rendered == []
    home(login(Client(), member.user))
    assert rendered == [1]

    client.post(reverse("set_language"), {"language": "en", "next": HOME})
    english = home(client)
    assert "Welcome, 张委员" in english and "Welcome" not in mine


def test_the_forms_of_a_kept_page_still_post_with_their_csrf_token(member):
    activity = ActivityFactory()
    ParticipationFactory(member=member, activity=activity)
    client = login(Client(enforce_csrf_checks=True), member.user)
    home(client)
    kept = home(client)
    form = re.search(
        r'action="{}".*?name="csrfmiddlewaretoken" value="([^"]+)"'.format(
            re.escape(reverse("members:activity_accept", args=[activity.pk]))
        ),
        kept,
    )
    assert form is not None
    response = client.post(
        reverse("members:activity_accept", args=[activity.pk]),
        {"csrfmiddlewaretoken": form.group(1), "next": "home"},
    )
    assert response.status_code == 302
    assert Participation.objects.get().invitation == "accepted"


def test_the_portal_home_stays_refused_to_who_is_not_a_member_once_a_member_saw_it(client, member, unit_user):
    login(client, member.user)
    home(client)
    assert login(Client(), unit_user).get(HOME).status_code == 403
    member.user = None
    member.save()
    assert client.get(HOME).status_code == 403


def test_the_ten_year_generator_writing_without_signals_moves_the_kept_pages_on(monkeypatch):
    from devdata.decade import run

    class Written:
        """The generator's steps, each writing by COPY (no signal), here writing nothing."""

        def __init__(self, **kwargs):
            pass

        def __getattr__(self, step):
            return lambda *args, **kwargs: None

    monkeypatch.setattr(run, "Decade", Written)
    monkeypatch.setattr(run, "built_years", lambda years: set())
    before = selectors.READER_PAGES.current()
    assert run.build(last_year=2017, years=1, say=lambda text: None)
    assert selectors.READER_PAGES.current() != before
