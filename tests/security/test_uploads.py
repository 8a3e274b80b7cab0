"""Every upload form checks a file by its content and its size, and a refused file writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DISGUISED = b"<html><script>alert(1)</script></html>"  # named .pdf, but HTML inside
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def disguised():
    return SimpleUploadedFile("evidence.pdf", DISGUISED, content_type="application/pdf")


def executable():
    return SimpleUploadedFile("scan.pdf", EXE, content_type="application/pdf")


def too_big():
    return SimpleUploadedFile("big.pdf", PDF + b"0" * 4096, content_type="application/pdf")


def duty_record_post(client, title, upload):
    from members.forms import LOGGABLE_KINDS

    return client.post(
        "/portal/records/",
        {"event_kind": LOGGABLE_KINDS[0][0], "occurred_on": "2017-05-04", "title": title, "files": [upload]},
    )


@pytest.mark.parametrize(
    "make_file", [disguised, executable, too_big], ids=["html-as-pdf", "exe-as-pdf", "too-big"]
)
def test_duty_evidence_is_checked_by_content_and_size(client, member, settings, make_file):
    from members.models import DutyRecord

    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(member.user)
    response = duty_record_post(client, "带附件的履职", make_file())
    assert response.status_code == 200  # the form again, with the file's error
    assert not DutyRecord.objects.filter(title="带附件的履职").exists()
    # The same form takes a real PDF of allowed size.
    duty_record_post(client, "合规附件", SimpleUploadedFile("ok.pdf", PDF, content_type="application/pdf"))
    assert DutyRecord.objects.get(title="合规附件").evidence.count() == 1


@pytest.mark.parametrize(
    "make_file", [disguised, executable, too_big], ids=["html-as-pdf", "exe-as-pdf", "too-big"]
)
def test_proposal_attachments_are_checked_by_content_and_size(client, member, settings, make_file):
    from proposals.models import Proposal
    from tests.proposals.factories import CategoryFactory

    settings.UPLOAD_MAX_BYTES = 1024
    category = CategoryFactory(name="城市建设管理")
    client.force_login(member.user)
    response = client.post(
        "/portal/proposals/new/",
        {
            "title": "带附件的提案",
            "category": category.pk,
            "reason": "理由充分。",
            "suggestions": "建议可行。",
            "files": [make_file()],
        },
    )
    assert response.status_code == 200
    assert not Proposal.objects.filter(title="带附件的提案").exists()


@pytest.mark.parametrize("make_file", [disguised, too_big], ids=["html-as-pdf", "too-big"])
def test_a_units_reply_file_is_checked_by_content_and_size(client, world, settings, make_file):
    from proposals.models import ProposalAttachment

    settings.UPLOAD_MAX_BYTES = 1024
    before = ProposalAttachment.objects.count()
    client.force_login(world.users["unit"])
    response = client.post(
        f"/units/proposals/{world.proposal.pk}/reply/",
        {
            "category": "A",
            "document_number": "东民函〔2017〕13号",
            "contact_person": "王科长",
            "contact_phone": "010-64000000",
            "body": "已办理。",
            "files": [make_file()],
        },
    )
    assert response.status_code == 200
    assert ProposalAttachment.objects.count() == before
