"""Adding a session, publishing the documents and handing in a speech are actions of the meeting's
table (`meetings.workflows`): the console and the speech page show them exactly when the table allows
them, and a refused POST changes nothing and says the table's reason. A vote's count and result are
shown by one rule, `Motion.results_visible`, on the console, in the minutes and in the API."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework.test import APIClient

from cppcc_portal.core.errors import TransitionError
from meetings import services
from meetings.choices import Body, MeetingKind
from meetings.models import AgendaItem, Meeting, MeetingDocument, Speech
from meetings.workflows import MEETING_WORKFLOW, allowed_actions
from tests.conftest import login
from tests.meetings.conftest import check_in_all
from tests.meetings.test_documents_and_speeches import a_pdf

pytestmark = pytest.mark.django_db


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return _(message)


def _messages(page) -> list[str]:
    return [str(m) for m in page.context["messages"]]


def _close(meeting) -> None:
    # As the administration closes a meeting: a save, which moves the console's cached meeting on.
    meeting.status = "closed"
    meeting.save(update_fields=["status"])


def test_a_closed_meeting_offers_no_new_session_and_refuses_one_posted(client, staff_user, sc_meeting):
    add = f'action="{reverse("meetings:session_add", args=[sc_meeting.pk])}"'
    login(client, staff_user)
    assert add in client.get(reverse("meetings:console", args=[sc_meeting.pk])).content.decode()
    _close(sc_meeting)
    assert "add_session" not in allowed_actions(sc_meeting, staff_user)
    assert add not in client.get(reverse("meetings:console", args=[sc_meeting.pk])).content.decode()
    page = client.post(
        reverse("meetings:session_add", args=[sc_meeting.pk]),
        {"date": "2030-03-02", "half_day": "afternoon", "place": "二层会议室"},
        follow=True,
    )
    assert _messages(page) == [_zh("A closed or cancelled meeting takes no new sessions.")]
    assert sc_meeting.sessions.count() == 1
    with pytest.raises(TransitionError):
        services.session_add(
            meeting=sc_meeting,
            date=sc_meeting.sessions.get().date,
            half_day="evening",
            place="x",
            actor=staff_user,
        )


def test_the_documents_are_published_only_once_the_members_are_called(client, staff_user):
    draft = services.meeting_save(
        meeting=Meeting(title="筹备中的会议", kind=MeetingKind.CHAIRS, body=Body.ALL_MEMBERS),
        actor=staff_user,
    )
    document = MeetingDocument.objects.create(meeting=draft, title="工作报告（草案）", kind="draft")
    services.document_add_version(
        document=document,
        actor=staff_user,
        upload=SimpleUploadedFile("draft.pdf", a_pdf(), "application/pdf"),
    )
    publish = f'action="{reverse("meetings:documents_publish", args=[draft.pk])}"'
    login(client, staff_user)
    assert "publish_documents" not in allowed_actions(draft, staff_user)
    assert publish not in client.get(reverse("meetings:console", args=[draft.pk])).content.decode()
    page = client.post(reverse("meetings:documents_publish", args=[draft.pk]), follow=True)
    assert _messages(page) == [_zh("Call the members before publishing the documents.")]
    draft.refresh_from_db()
    assert draft.documents_published_at is None


def test_a_called_meeting_offers_the_office_to_publish_its_documents(client, staff_user, sc_meeting):
    login(client, staff_user)
    html = client.get(reverse("meetings:console", args=[sc_meeting.pk])).content.decode()
    assert f'action="{reverse("meetings:documents_publish", args=[sc_meeting.pk])}"' in html


def test_speeches_are_handed_in_while_the_meeting_is_called_and_not_after_it_closed(
    client, sc_meeting, member_user
):
    speeches = reverse("meetings_portal:speeches", args=[sc_meeting.pk])
    form = '<form method="post">'
    login(client, member_user)
    assert "submit_speech" in allowed_actions(sc_meeting, member_user)
    assert form in client.get(speeches).content.decode()
    _close(sc_meeting)
    assert "submit_speech" not in allowed_actions(sc_meeting, member_user)
    assert form not in client.get(speeches).content.decode()
    page = client.post(speeches, {"title": "关于养老服务的发言", "text": "……"}, follow=True)
    assert _messages(page) == [_zh("Speeches are handed in while the meeting is called.")]
    assert not Speech.objects.exists()


def test_speeches_are_offered_until_the_speech_deadline_and_a_late_one_is_refused_with_its_reason(
    client, sc_meeting, member_user
):
    speeches = reverse("meetings_portal:speeches", args=[sc_meeting.pk])
    form = '<form method="post">'
    login(client, member_user)
    Meeting.objects.filter(pk=sc_meeting.pk).update(speech_deadline=timezone.now() + dt.timedelta(hours=1))
    assert form in client.get(speeches).content.decode()
    Meeting.objects.filter(pk=sc_meeting.pk).update(speech_deadline=timezone.now() - dt.timedelta(minutes=1))
    sc_meeting.refresh_from_db()
    assert "submit_speech" not in allowed_actions(sc_meeting, member_user)
    assert form not in client.get(speeches).content.decode()
    page = client.post(speeches, {"title": "关于养老服务的发言", "text": "……"}, follow=True)
    assert _messages(page) == [_zh("The deadline for speeches has passed.")]
    assert not Speech.objects.exists()


def test_a_member_not_called_is_not_offered_to_hand_in_a_speech(sc_meeting, other_member_user, staff_user):
    assert not MEETING_WORKFLOW.may(sc_meeting, other_member_user, "submit_speech")
    assert MEETING_WORKFLOW.may(sc_meeting, staff_user, "submit_speech")


def test_a_votes_count_and_result_are_shown_only_once_it_is_closed(
    client, open_session, staff_user, standing
):
    item = AgendaItem.objects.get(session=open_session)
    motion = services.motion_create(agenda_item=item, title="关于通过工作要点的决议", actor=staff_user)
    check_in_all(open_session, standing, staff_user)
    services.motion_open(motion=motion, actor=staff_user)
    for m, choice in zip(standing, ["for", "for", "for", "against", "abstain"], strict=True):
        services.ballot_cast(motion=motion, actor=m.user, choice=choice)
    motion.refresh_from_db()
    api = APIClient()
    api.force_authenticate(staff_user)
    login(client, staff_user)
    result = f"{_zh('for')} 3"

    def shown() -> tuple[bool, bool, dict]:
        console = client.get(reverse("meetings:console", args=[open_session.meeting_id])).content.decode()
        minutes = client.get(reverse("meetings:minutes", args=[open_session.pk])).content.decode()
        row = api.get(f"/api/v1/meetings/motions/{motion.pk}/").json()
        return result in console, f"{result}，" in minutes, row

    assert motion.results_visible is False
    in_console, in_minutes, row = shown()
    assert (in_console, in_minutes) == (False, False)
    assert (row["results_visible"], row["votes_for"], row["adopted"]) == (False, None, None)

    services.motion_close(motion=motion, actor=staff_user)
    motion.refresh_from_db()
    assert motion.results_visible is True
    in_console, in_minutes, row = shown()
    assert (in_console, in_minutes) == (True, True)
    assert (row["results_visible"], row["votes_for"], row["votes_against"], row["adopted"]) == (
        True,
        3,
        1,
        True,
    )
