"""Spreadsheets beyond the import limits are refused before anything parses them, quickly, in Chinese."""

import io
import time
import zipfile

import pytest
from django.urls import reverse

from cppcc_portal.core.import_limits import ImportTooLarge, check_import_file
from members.models import Member

ROWS = 2_000_000

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>'
)


def expanding_xlsx(rows: int, *, dimension: bool = True) -> bytes:
    """A workbook of `rows` short rows: a few hundred KB zipped, far more once expanded."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetPr/>')
            if dimension:
                sheet.write(f'<dimension ref="A1:B{rows + 1}"/>'.encode())
            sheet.write(b"<sheetData>")
            chunk = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 10_000
            for _ in range(rows // 10_000):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def two_million_rows():
    return expanding_xlsx(ROWS)


def upload(content: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def test_a_small_workbook_that_expands_to_two_million_rows_is_refused_by_its_stated_size(
    settings, two_million_rows
):
    settings.IMPORT_MAX_EXPANDED_BYTES = 1024 * 1024 * 1024
    assert len(two_million_rows) < 2 * 1024 * 1024
    started = time.monotonic()
    with pytest.raises(ImportTooLarge, match="2,000,000") as refused:
        check_import_file(upload(two_million_rows, "roster.xlsx"), extension="xlsx")
    assert time.monotonic() - started < 1
    assert refused.value.field == "import_file"


def test_a_workbook_is_refused_by_its_expanded_size_before_its_rows_are_read(settings, two_million_rows):
    settings.IMPORT_MAX_ROWS = 10_000_000
    with pytest.raises(ImportTooLarge, match="解压后"):
        check_import_file(upload(two_million_rows, "roster.xlsx"), extension="xlsx")


def test_rows_are_counted_when_the_workbook_states_no_dimension(settings):
    settings.IMPORT_MAX_ROWS = 1_000
    with pytest.raises(ImportTooLarge, match="19,999"):  # the first row is the header
        check_import_file(upload(expanding_xlsx(20_000, dimension=False), "roster.xlsx"), extension="xlsx")


def test_a_csv_over_the_row_limit_is_refused_and_one_at_the_limit_passes(settings):
    settings.IMPORT_MAX_ROWS = 3
    header = "委员编号,姓名\n"
    with pytest.raises(ImportTooLarge):
        check_import_file(upload((header + "1,甲\n" * 4).encode(), "r.csv"), extension="csv")
    file = upload((header + "1,甲\n" * 3).encode(), "r.csv")
    check_import_file(file, extension="csv")
    assert file.tell() == 0, "the file is rewound for the parser"


def test_the_roster_import_page_refuses_the_expanding_workbook_in_chinese_and_imports_nothing(
    client, staff_user, two_million_rows
):
    client.force_login(staff_user)
    url = reverse("admin:members_member_import")
    form = client.get(url).context["form"]
    xlsx = next(value for value, label in form.fields["format"].choices if str(label).lower() == "xlsx")

    started = time.monotonic()
    response = client.post(url, {"format": xlsx, "import_file": upload(two_million_rows, "roster.xlsx")})

    assert time.monotonic() - started < 3
    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    # Its expanded size (about 90 MB) is over the default 64 MB: refused before its rows are read.
    assert "一次导入最多" in errors[0] and "请拆分成较小的文件" in errors[0]
    assert not Member.objects.exists()
