import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.models import Notification
from meetings import services
from meetings.models import Meeting, MeetingDocument
from members.models import DutyRecord
from members.services import scoring_rules_ensure_defaults
from tests.conftest import login


def a_pdf(text="Report") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 750, text)
    page.save()
    return buffer.getvalue()


@pytest.fixture
def published(sc_meeting, staff_user):
    document = MeetingDocument.objects.create(
        meeting=sc_meeting, title="2017年工作要点（草案）", kind="draft"
    )
    services.document_add_version(
        document=document,
        actor=staff_user,
        upload=SimpleUploadedFile("draft.pdf", a_pdf(), "application/pdf"),
    )
    services.document_add_version(
        document=document,
        actor=staff_user,
        upload=SimpleUploadedFile("draft2.pdf", a_pdf("v2"), "application/pdf"),
        note="修改第三部分",
    )
    services.documents_publish(meeting=sc_meeting, actor=staff_user)
    return document


def test_the_document_pack_is_versioned_and_the_called_are_told(published, standing):
    assert list(published.versions.values_list("number", flat=True)) == [2, 1]
    told = set(Notification.objects.filter(kind="meetings.documents").values_list("recipient_id", flat=True))
    assert told == {m.user_id for m in standing}


def test_a_called_member_downloads_the_newest_pdf_with_their_name_on_every_page(
    client, published, member, member_user
):
    login(client, member_user)
    page = client.get(reverse("meetings_portal:documents", args=[published.meeting_id]))
    newest = published.versions.first()
    assert reverse("meetings_portal:document_download", args=[newest.pk]) in page.content.decode()
    response = client.get(reverse("meetings_portal:document_download", args=[newest.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert member.name in text
    assert "v2" in text


def test_a_member_not_called_cannot_get_the_documents(client, published, other_member_user):
    login(client, other_member_user)
    version = published.versions.first()
    assert client.get(reverse("meetings_portal:document_download", args=[version.pk])).status_code == 404


def test_documents_stay_hidden_until_published(client, sc_meeting, staff_user, member_user):
    document = MeetingDocument.objects.create(meeting=sc_meeting, title="议程", kind="agenda")
    version = services.document_add_version(
        document=document, actor=staff_user, upload=SimpleUploadedFile("a.pdf", a_pdf(), "application/pdf")
    )
    login(client, member_user)
    assert client.get(reverse("meetings_portal:document_download", args=[version.pk])).status_code == 404


def test_an_upload_that_is_not_what_its_name_says_is_refused(sc_meeting, staff_user):
    document = MeetingDocument.objects.create(meeting=sc_meeting, title="议程", kind="agenda")
    with pytest.raises(DomainError):
        services.document_add_version(
            document=document,
            actor=staff_user,
            upload=SimpleUploadedFile("a.pdf", b"not a pdf", "application/pdf"),
        )
    assert not document.versions.exists()


def test_a_speech_selected_for_oral_delivery_goes_on_the_list_of_speakers_and_scores(
    sc_meeting, sc_session, staff_user, member, member_user, standing
):
    scoring_rules_ensure_defaults(sc_session.date.year)
    speech = services.speech_submit(
        meeting=sc_meeting, actor=member_user, title="关于养老服务的发言", text="……"
    )
    second = services.speech_submit(
        meeting=sc_meeting, actor=standing[1].user, title="关于教育的发言", text="……"
    )
    services.speech_decide(speech=speech, actor=staff_user, state="oral", session=sc_session, minutes=8)
    services.speech_decide(speech=second, actor=staff_user, state="oral", session=sc_session)
    assert [s.pk for s in services.speakers(sc_session)] == [speech.pk, second.pk]
    record = DutyRecord.objects.get(member=member, event_kind="speech_oral")
    assert record.points == 10
    services.speech_decide(speech=speech, actor=staff_user, state="written")
    assert not DutyRecord.objects.filter(member=member, event_kind="speech_oral").exists()
    assert DutyRecord.objects.get(member=member, event_kind="speech_written").points == 5


def test_speeches_after_the_deadline_or_from_members_not_called_are_refused(
    sc_meeting, member_user, other_member_user
):
    with pytest.raises(PermissionDeniedError):
        services.speech_submit(meeting=sc_meeting, actor=other_member_user, title="x", text="y")
    Meeting.objects.filter(pk=sc_meeting.pk).update(speech_deadline=timezone.now() - dt.timedelta(hours=1))
    sc_meeting.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.speech_submit(meeting=sc_meeting, actor=member_user, title="x", text="y")
    assert exc.value.code == "deadline_passed"


def test_an_empty_speech_is_refused(sc_meeting, member_user):
    with pytest.raises(DomainError):
        services.speech_submit(meeting=sc_meeting, actor=member_user, title="", text="")


def test_calling_sends_the_meeting_notice_to_each_called_member(sc_meeting, standing):
    notices = Notification.objects.filter(kind="meetings.notice")
    assert set(notices.values_list("recipient_id", flat=True)) == {m.user_id for m in standing}
