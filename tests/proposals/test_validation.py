"""Bad input gets a clear error and nothing is saved: length limits, empty titles, wrong files."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cppcc_portal.core.errors import DomainError
from proposals import services
from proposals.models import OpinionReport, Proposal, ProposalAttachment, ProposalYearSettings
from tests.conftest import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(world, **overrides):
    data = {
        "title": "关于背街小巷整治的建议",
        "category": world.category.pk,
        "reason": "理由",
        "suggestions": "建议",
    }
    data.update(overrides)
    return data


def test_a_proposal_over_the_length_limit_is_refused_on_the_page_and_nothing_is_saved(client, world):
    login(client, world.proposer.user)
    response = client.post(
        reverse("proposals:create"), _form(world, reason="字" * 2000, suggestions="字" * 501)
    )
    assert response.status_code == 200
    assert "2501" in response.content.decode() and "2500" in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_length_limit_is_a_setting_of_the_year(world):
    from django.utils import timezone

    ProposalYearSettings.objects.create(year=timezone.localdate().year, length_limit=50)
    with pytest.raises(DomainError) as refused:
        services.proposal_create(
            actor=world.proposer.user,
            submitter=world.proposer,
            title="标题",
            reason="字" * 40,
            suggestions="字" * 11,
            category=world.category,
        )
    assert refused.value.code == "too_long"
    assert not Proposal.objects.exists()


def test_an_empty_title_is_refused_and_nothing_is_saved(client, world):
    login(client, world.proposer.user)
    response = client.post(reverse("proposals:create"), _form(world, title="   "))
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    with pytest.raises(ValidationError) as refused:
        services.proposal_create(
            actor=world.proposer.user,
            submitter=world.proposer,
            title=" ",
            reason="理由",
            suggestions="建议",
            category=world.category,
        )
    assert "title" in refused.value.message_dict
    api = client.post(
        "/api/v1/proposals/",
        {"title": "", "reason": "r", "suggestions": "s", "category": world.category.pk},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert not Proposal.objects.exists()


def test_a_file_whose_content_is_not_what_its_name_says_is_refused_and_nothing_is_saved(client, world):
    login(client, world.proposer.user)
    fake = SimpleUploadedFile("方案.pdf", b"just some text, not a pdf", content_type="application/pdf")
    response = client.post(reverse("proposals:create"), {**_form(world), "files": [fake]})
    assert response.status_code == 200
    assert "方案.pdf" in response.content.decode()
    assert not Proposal.objects.exists()
    assert not ProposalAttachment.objects.exists()


def test_an_executable_renamed_docx_is_refused(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.bin", b"MZ")
    with pytest.raises(DomainError) as refused:
        services.proposal_create(
            actor=world.proposer.user,
            submitter=world.proposer,
            title="标题",
            reason="理由",
            suggestions="建议",
            category=world.category,
            files=[SimpleUploadedFile("a.docx", buffer.getvalue())],
        )
    assert refused.value.code == "file_content_mismatch"
    assert not Proposal.objects.exists()


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.UPLOAD_MAX_BYTES = 20
    with pytest.raises(DomainError) as refused:
        services.proposal_create(
            actor=world.proposer.user,
            submitter=world.proposer,
            title="标题",
            reason="理由",
            suggestions="建议",
            category=world.category,
            files=[SimpleUploadedFile("a.pdf", PDF)],
        )
    assert refused.value.code == "file_too_large"
    assert not Proposal.objects.exists()


def test_a_real_pdf_is_attached_and_only_readers_download_it(client, world):
    login(client, world.proposer.user)
    response = client.post(
        reverse("proposals:create"), {**_form(world), "files": [SimpleUploadedFile("调研.pdf", PDF)]}
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    attachment = proposal.attachments.get()
    assert attachment.content_type == "application/pdf"
    url = reverse("proposals:attachment", args=[proposal.pk, attachment.pk])
    assert client.get(url).status_code == 200
    login(client, world.other_unit_user)
    assert client.get(url).status_code == 404


def test_a_report_over_1500_characters_is_refused_and_nothing_is_saved(client, world):
    login(client, world.proposer.user)
    response = client.post(
        reverse("proposals:report_create"),
        {"title": "关于医养结合", "situation": "字" * 1501, "analysis": "", "suggestion": ""},
    )
    assert response.status_code == 200
    assert "1500" in response.content.decode()
    assert not OpinionReport.objects.exists()


def test_a_collective_proposal_names_its_body(world):
    with pytest.raises(DomainError) as refused:
        services.proposal_create(
            actor=world.staff,
            submitter=world.proposer,
            title="标题",
            reason="理由",
            suggestions="建议",
            category=world.category,
            proposer_kind="sector",
        )
    assert refused.value.field == "sector"
    proposal = services.proposal_create(
        actor=world.staff,
        submitter=world.proposer,
        title="标题",
        reason="理由",
        suggestions="建议",
        category=world.category,
        proposer_kind="sector",
        sector=world.proposer.sector,
    )
    assert proposal.proposer_label == str(world.proposer.sector)
