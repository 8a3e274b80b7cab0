"""Evidence files are checked by their content and size; a refused file leaves nothing behind."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import DutyEvidence, DutyRecord

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def ooxml(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<w/>")
    return buffer.getvalue()


def post_record(client, *files):
    return client.post(
        reverse("members:records"),
        {
            "event_kind": "self_reported",
            "occurred_on": dt.date(2017, 5, 4).isoformat(),
            "title": "走访社区",
            "description": "走访居民，收集意见",
            "files": list(files),
        },
    )


def test_a_member_logs_a_record_with_a_photo_and_a_word_document(client, member):
    client.force_login(member.user)
    response = post_record(
        client, SimpleUploadedFile("photo.png", PNG), SimpleUploadedFile("notes.docx", ooxml("word/"))
    )
    assert response.status_code == 302
    record = DutyRecord.objects.get()
    assert record.status == "submitted"
    assert sorted(record.evidence.values_list("original_name", flat=True)) == ["notes.docx", "photo.png"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", EXE),
        ("photo.png", EXE),
        ("report.pdf", PNG),
        ("table.xlsx", ooxml("word/")),
        ("notes.docx", b"PK\x03\x04 not really a zip"),
        ("notes.txt", b"plain text"),
    ],
    ids=["executable", "renamed executable", "png named pdf", "docx named xlsx", "broken zip", "text"],
)
def test_a_file_of_the_wrong_kind_is_refused_and_nothing_is_saved(client, member, name, content, settings):
    client.force_login(member.user)
    response = post_record(client, SimpleUploadedFile("ok.pdf", PDF), SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert name in response.content.decode()
    assert not DutyRecord.objects.exists() and not DutyEvidence.objects.exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_a_file_over_the_size_limit_is_refused(client, member, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(member.user)
    response = post_record(client, SimpleUploadedFile("big.pdf", PDF + b"0" * 2048))
    assert response.status_code == 200
    assert not DutyRecord.objects.exists()


def test_the_api_refuses_a_renamed_executable_with_a_clear_code(client, member):
    client.force_login(member.user)
    response = client.post(
        "/api/v1/members/duty-records/",
        {
            "event_kind": "self_reported",
            "occurred_on": "2017-05-04",
            "title": "走访社区",
            "files": [SimpleUploadedFile("photo.jpg", EXE)],
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "file_content_mismatch"
    assert not DutyRecord.objects.exists()


def test_a_member_cannot_log_an_attendance_or_proposal_kind_themselves(client, member):
    client.force_login(member.user)
    response = client.post(
        "/api/v1/members/duty-records/",
        {"event_kind": "proposal_accepted", "occurred_on": "2017-05-04", "title": "自称立案"},
    )
    assert response.status_code == 400
    assert not DutyRecord.objects.exists()


def test_evidence_is_downloaded_by_its_member_and_reviewers_only(client, member, other_member, staff_user):
    client.force_login(member.user)
    post_record(client, SimpleUploadedFile("photo.png", PNG))
    evidence = DutyEvidence.objects.get()
    url = reverse("members:evidence_download", args=[evidence.record_id, evidence.pk])
    assert b"".join(client.get(url).streaming_content) == PNG
    client.force_login(other_member.user)
    assert client.get(url).status_code == 404
    client.force_login(staff_user)
    assert client.get(url).status_code == 200
