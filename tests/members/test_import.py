"""Excel import of the roster and of attendance: real .xlsx files, all or nothing, errors by row and field."""

import datetime as dt
import io

import pytest
import tablib
from django.utils import timezone
from openpyxl import Workbook

from members.models import DutyRecord, Member, Participation
from members.resources import AttendanceResource, MemberResource, import_with_rules, row_errors
from tests.factories import ActivityFactory, MemberFactory, PartyFactory, SectorFactory, TermFactory

HEADERS = [
    "委员编号",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "党派",
    "界别",
    "工作单位",
    "职务",
    "手机",
    "电子邮箱",
    "常委",
    "届次",
    "状态",
]


def xlsx(rows, headers=HEADERS) -> tablib.Dataset:
    """Build a real workbook with openpyxl and read it back as the admin would."""
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return tablib.Dataset().load(buffer.getvalue(), format="xlsx")


@pytest.fixture
def reference(db):
    TermFactory(number=14)
    PartyFactory(name="中国民主同盟", short_name="民盟")
    PartyFactory(name="中国共产党", short_name="中共")
    SectorFactory(name="教育界")
    SectorFactory(name="医药卫生界")


def good_row(number, name, sector="教育界", phone="13800138000"):
    return [
        number,
        name,
        "女",
        "汉族",
        dt.date(1968, 3, 2),
        "民盟",
        sector,
        "北京市第五中学",
        "校长",
        phone,
        "",
        "是",
        "第十四届",
        "在任",
    ]


def test_good_rows_of_a_real_workbook_import(reference, staff_user):
    dataset = xlsx([good_row("D001", "王丽"), good_row("D002", "陈刚", "医药卫生界", "010-64012345")])
    result = import_with_rules(MemberResource(), dataset, actor=staff_user, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    wang = Member.objects.get(member_number="D001")
    assert (wang.name, wang.party.name, wang.sector.name, wang.term.number) == (
        "王丽",
        "中国民主同盟",
        "教育界",
        14,
    )
    assert wang.is_standing_committee and wang.gender == "female"
    assert Member.objects.get(member_number="D002").phone == "010-64012345"


def test_importing_again_updates_the_member_found_by_number(reference, staff_user):
    import_with_rules(MemberResource(), xlsx([good_row("D001", "王丽")]), actor=staff_user, dry_run=False)
    changed = good_row("D001", "王丽")
    changed[7] = "东城区教委"
    import_with_rules(MemberResource(), xlsx([changed]), actor=staff_user, dry_run=False)
    assert Member.objects.count() == 1
    assert Member.objects.get().work_unit == "东城区教委"


def test_a_dry_run_previews_without_saving(reference, staff_user):
    result = import_with_rules(
        MemberResource(), xlsx([good_row("D001", "王丽")]), actor=staff_user, dry_run=True
    )
    assert result.totals["new"] == 1
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("bad_row", "field", "words"),
    [
        (good_row("D003", "赵敏", sector="火星界"), "sector", "火星界"),
        (good_row("D003", "赵敏", phone="12345"), "phone", "12345"),
        (good_row("D001", "重复"), "member_number", "D001"),
    ],
    ids=["unknown sector", "not a phone", "duplicate member number"],
)
def test_one_bad_row_imports_nothing_and_names_the_row_and_field(
    reference, staff_user, bad_row, field, words
):
    dataset = xlsx([good_row("D001", "王丽"), good_row("D002", "陈刚"), bad_row])
    result = import_with_rules(MemberResource(), dataset, actor=staff_user, dry_run=False)
    assert result.has_validation_errors() or result.has_errors()
    assert not Member.objects.exists()
    errors = row_errors(result)
    assert any(e["row"] == 3 and e["field"] == field and words in e["message"] for e in errors), errors


def test_an_unknown_party_is_a_clear_row_error(reference, staff_user):
    row = good_row("D001", "王丽")
    row[5] = "未知党"
    result = import_with_rules(MemberResource(), xlsx([row]), actor=staff_user, dry_run=False)
    assert [(e["row"], e["field"]) for e in row_errors(result)] == [(1, "party")]
    assert "未知党" in row_errors(result)[0]["message"]


def test_the_roster_exports_with_chinese_headers(reference, staff_user):
    import_with_rules(MemberResource(), xlsx([good_row("D001", "王丽")]), actor=staff_user, dry_run=False)
    exported = MemberResource().export()
    assert exported.headers == HEADERS
    assert exported[0][12] == "第14届" and exported[0][11] == "是"


# --- attendance -----------------------------------------------------------------------------------


def test_imported_attendance_becomes_duty_records(staff_user):
    started = timezone.now() - dt.timedelta(days=1)
    ActivityFactory(title="经济界别协商会", starts_at=started, ends_at=started + dt.timedelta(hours=2))
    present, on_leave = MemberFactory(member_number="A1"), MemberFactory(member_number="A2")
    dataset = xlsx(
        [["A1", "", "经济界别协商会", "出席", ""], ["A2", "", "经济界别协商会", "请假", "出差"]],
        headers=["委员编号", "姓名", "活动", "出席情况", "请假事由"],
    )
    result = import_with_rules(AttendanceResource(), dataset, actor=staff_user, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), row_errors(result)
    assert Participation.objects.get(member=present).attendance == "present"
    assert Participation.objects.get(member=on_leave).leave_reason == "出差"
    assert list(DutyRecord.objects.values_list("member__member_number", "status")) == [("A1", "verified")]


def test_an_attendance_file_with_an_unknown_member_imports_nothing(staff_user):
    started = timezone.now() - dt.timedelta(days=1)
    ActivityFactory(title="视察簋街", starts_at=started, ends_at=started + dt.timedelta(hours=2))
    MemberFactory(member_number="A1")
    dataset = xlsx(
        [["A1", "", "视察簋街", "出席", ""], ["A9", "", "视察簋街", "出席", ""]],
        headers=["委员编号", "姓名", "活动", "出席情况", "请假事由"],
    )
    result = import_with_rules(AttendanceResource(), dataset, actor=staff_user, dry_run=False)
    assert [(e["row"], e["field"]) for e in row_errors(result)] == [(2, "member")]
    assert not Participation.objects.exists() and not DutyRecord.objects.exists()
