"""A standing-committee meeting and a plenary, called and ready to run, for the meetings tests."""

import datetime as dt

import pytest
from django.utils import timezone

from cppcc_portal.core import roles
from meetings import services
from meetings.choices import AgendaKind, Body, MeetingKind
from meetings.models import Meeting
from members.models import Member
from tests.factories import MemberFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every persona gets a password; hashing each with PBKDF2 would dominate these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def member_with_login(username: str, **kwargs) -> Member:
    return MemberFactory(user=UserFactory(username=username, role=roles.MEMBER), **kwargs)


@pytest.fixture
def standing(member):
    """Five standing-committee members with logins; the persona 'member' is the first."""
    member.is_standing_committee = True
    member.save(update_fields=["is_standing_committee"])
    others = [member_with_login(f"sc{i}", is_standing_committee=True, name=f"常委{i}") for i in range(1, 5)]
    return [member, *others]


def make_sc_meeting(staff_user, date, title="政协第十四届常委会第一次会议"):
    """A standing-committee meeting, called, with one morning session whose agenda has a vote item."""
    meeting = services.meeting_save(
        meeting=Meeting(title=title, kind=MeetingKind.STANDING_COMMITTEE, body=Body.STANDING_COMMITTEE),
        actor=staff_user,
    )
    session = services.session_add(
        meeting=meeting, date=date, half_day="morning", place="区政协三层会议室", actor=staff_user
    )
    services.agenda_item_add(
        session=session, kind=AgendaKind.VOTE, title="审议通过工作要点", actor=staff_user
    )
    services.meeting_call(meeting=meeting, actor=staff_user)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def sc_meeting(staff_user, standing):
    """The standing committee meets today."""
    return make_sc_meeting(staff_user, timezone.localdate())


@pytest.fixture
def next_week_meeting(staff_user, standing):
    return make_sc_meeting(staff_user, timezone.localdate() + dt.timedelta(days=7), title="常委会第二次会议")


@pytest.fixture
def sc_session(sc_meeting):
    return sc_meeting.sessions.get()


@pytest.fixture
def open_session(sc_session, staff_user):
    return services.session_open(session=sc_session, actor=staff_user)


def check_in_all(session, members, staff_user):
    for m in members:
        services.check_in_at_desk(session=session, member=m, actor=staff_user)
