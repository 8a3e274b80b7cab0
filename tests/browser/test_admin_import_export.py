"""The admin's import, export and two-box selector pages work under the CSP, in Chinese."""

import io

from openpyxl import Workbook

from tests.browser.test_journeys import log_in_as


def _roster(rows) -> bytes:
    from tests.members.test_import import HEADERS

    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(visit, name: str, content: bytes) -> None:
    xlsx = [
        o for o in visit.page.locator("select[name=format] option").all_inner_texts() if "xlsx" in o.lower()
    ]
    visit.page.select_option("select[name=format]", label=xlsx[0])
    visit.page.set_input_files(
        "input[name=import_file]", [{"name": name, "mimeType": "application/octet-stream", "buffer": content}]
    )
    with visit.page.expect_navigation():
        visit.page.click("#content form input[type=submit], #content form button[type=submit]")


def test_a_bad_roster_row_is_explained_in_a_table_by_excel_row_column_value_and_reason(
    open_browser, staff_user
):
    from members.models import Member
    from tests.factories import PartyFactory, SectorFactory, TermFactory
    from tests.members.test_import import good_row

    TermFactory(number=14)
    PartyFactory(name="中国民主同盟", short_name="民盟")
    SectorFactory(name="教育界")
    bad = good_row("D2017002", "孙委员")
    bad[4] = "1968年13月2日"
    visit = open_browser()
    log_in_as(visit, "staff")
    visit.go("/admin/members/member/import/")
    _upload(visit, "roster.xlsx", _roster([good_row("D2017001", "钱委员"), bad]))

    table = visit.page.locator("table.import-problems")
    assert table.is_visible()
    headers = table.locator("thead th").all_inner_texts()
    assert headers == ["Excel 行号", "列", "值", "原因"]
    cells = table.locator("tbody tr").first.locator("td").all_inner_texts()
    assert cells[:3] == ["3", "出生日期", "1968年13月2日"]
    assert "日期" in cells[3] and "parsed" not in cells[3]
    content = visit.page.content()
    assert "某些行验数据证失败" not in content and "BIRTH_DATE" not in content.upper().replace("出生日期", "")
    assert not Member.objects.exists()
    visit.assert_clean()


def test_the_export_page_selects_all_fields_in_chinese_under_the_csp(open_browser, staff_user):
    visit = open_browser()
    log_in_as(visit, "staff")
    visit.go("/admin/members/member/export/")
    toggle = visit.page.locator("input.select-toggle")
    assert visit.page.locator("label[for=select-all-toggle]").inner_text().strip() == "全选"
    fields = visit.page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 5
    toggle.uncheck()
    assert all(not box.is_checked() for box in fields.all())
    toggle.check()
    assert all(box.is_checked() for box in fields.all())
    visit.assert_clean()


def test_the_two_box_selector_speaks_chinese_under_the_csp(open_browser, staff_user):
    from tests.factories import HandlingUnitFactory

    unit = HandlingUnitFactory(name="区民政局")
    visit = open_browser()
    log_in_as(visit, "staff")
    visit.go(f"/admin/members/handlingunit/{unit.pk}/change/")
    selector = visit.page.locator(".selector").first
    selector.wait_for()
    text = selector.inner_text()
    assert "Choose" not in text and "Remove" not in text
    assert "全选" in text or "选择全部" in text
    titles = " ".join(
        filter(None, (el.get_attribute("title") for el in visit.page.locator(".selector *[title]").all()))
    )
    assert "Choose" not in titles and "Remove" not in titles and "selecting" not in titles
    visit.assert_clean()
