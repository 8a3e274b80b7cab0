import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cppcc_portal.core.errors import DomainError
from members.uploads import check_upload as check_evidence
from proposals.uploads import check_upload as check_attachment


def office_file(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<doc/>")
    return buffer.getvalue()


@pytest.mark.parametrize("check", [check_evidence, check_attachment], ids=["evidence", "proposal"])
def test_a_real_word_document_and_workbook_are_accepted_everywhere(check):
    check(SimpleUploadedFile("方案.docx", office_file("word/")))
    check(SimpleUploadedFile("名单.xlsx", office_file("xl/")))


@pytest.mark.parametrize("check", [check_evidence, check_attachment], ids=["evidence", "proposal"])
def test_a_workbook_renamed_to_docx_is_refused_everywhere(check):
    with pytest.raises(DomainError):
        check(SimpleUploadedFile("方案.docx", office_file("xl/")))


def test_the_proposal_check_names_the_office_type_it_accepted():
    assert check_attachment(SimpleUploadedFile("a.docx", office_file("word/"))).endswith(
        "wordprocessingml.document"
    )
