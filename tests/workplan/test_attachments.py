"""Files on progress updates: checked by content and size, downloaded only by those entitled."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workplan.models import ProgressAttachment, ProgressUpdate

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    + b"\x00" * 32
)
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode"
)


def _post(client, file, note="监督小组成立。"):
    return client.post(
        reverse("workplan:item", args=[2017, 9]),
        {"date": "2017-05-25", "kind": "milestone", "note": note, "attachment": file},
    )


@pytest.fixture
def staff_client(client, staff_user, imported_plan):
    client.force_login(staff_user)
    return client


def test_staff_attach_a_pdf_and_download_it_again(staff_client, imported_plan):
    response = _post(staff_client, SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf"))

    assert response.status_code == 302
    attachment = ProgressAttachment.objects.get()
    assert (attachment.original_name, attachment.file_type, attachment.size) == (
        "会议纪要.pdf",
        "pdf",
        len(PDF),
    )
    download = staff_client.get(reverse("workplan:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(
            SimpleUploadedFile("setup.pdf", EXE, content_type="application/pdf"), id="renamed executable"
        ),
        pytest.param(
            SimpleUploadedFile("notes.txt", "只是文字".encode(), content_type="text/plain"), id="wrong type"
        ),
        pytest.param(
            SimpleUploadedFile("photo.pdf", PNG, content_type="application/pdf"), id="image named pdf"
        ),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_saved(staff_client, upload):
    response = _post(staff_client, upload)

    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()
    assert not ProgressAttachment.objects.exists()


def test_a_file_over_the_limit_is_refused_and_nothing_saved(staff_client, settings):
    settings.UPLOAD_MAX_BYTES = 1024

    response = _post(
        staff_client, SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    )

    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()
    assert not ProgressAttachment.objects.exists()


def test_a_png_is_accepted(staff_client):
    response = _post(staff_client, SimpleUploadedFile("现场.png", PNG, content_type="image/png"))

    assert response.status_code == 302
    assert ProgressAttachment.objects.get().file_type == "png"


def test_a_member_sees_the_update_but_cannot_download_its_file(client, staff_client, member_user):
    _post(staff_client, SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf"))
    attachment = ProgressAttachment.objects.get()
    client.force_login(member_user)

    page = client.get(reverse("workplan:item", args=[2017, 9])).content.decode()
    download = client.get(reverse("workplan:attachment", args=[attachment.pk]))

    assert "监督小组成立。" in page
    assert reverse("workplan:attachment", args=[attachment.pk]) not in page
    assert download.status_code == 403


def test_a_leader_may_download(client, staff_client, leader_user):
    _post(staff_client, SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf"))
    client.force_login(leader_user)

    response = client.get(reverse("workplan:attachment", args=[ProgressAttachment.objects.get().pk]))

    assert response.status_code == 200


def test_an_unknown_attachment_is_not_found(staff_client):
    assert staff_client.get(reverse("workplan:attachment", args=[999999])).status_code == 404
