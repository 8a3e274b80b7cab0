"""One upload check for every file the portal takes: by content, with the same refusal codes everywhere."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.uploads import check_upload


def office_file(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<doc/>")
    return buffer.getvalue()


def test_a_real_word_document_and_workbook_are_accepted_with_their_office_types():
    assert check_upload(SimpleUploadedFile("方案.docx", office_file("word/"))).content_type.endswith(
        "wordprocessingml.document"
    )
    assert check_upload(SimpleUploadedFile("名单.xlsx", office_file("xl/"))).extension == "xlsx"


def test_a_workbook_renamed_to_docx_is_refused_as_a_mismatch():
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("方案.docx", office_file("xl/")))
    assert refused.value.code == "file_content_mismatch"


def test_a_type_not_allowed_and_a_file_too_large_have_their_own_codes(settings):
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("run.exe", b"MZ\x90\x00"), field="attachment")
    assert (refused.value.code, refused.value.field) == ("file_type_not_allowed", "attachment")
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.4" + b"0" * 20))
    assert refused.value.code == "file_too_large"


@pytest.mark.parametrize(
    "module",
    [
        "members.services.activities",
        "members.services.duty_records",
        "proposals.services._base",
        "workplan.services",
        "meetings.services",
        "consultations.services.topics",
    ],
)
def test_every_app_uses_the_one_check(module):
    import importlib

    assert importlib.import_module(module).check_upload is check_upload
