"""Office staff import the year's plan in the admin, in real Chromium: upload, preview, confirm."""

import pytest

from tests.workplan import corpus
from workplan.models import Item, WorkPlan

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _preview(visit, name: str, mime: str, data: bytes) -> None:
    visit.go("/admin/workplan/workplan/")
    with visit.page.expect_navigation():
        visit.page.click("text=导入工作要点")
    visit.page.set_input_files(
        "#plan-upload input[type=file]", [{"name": name, "mimeType": mime, "buffer": data}]
    )
    with visit.page.expect_navigation():
        visit.page.click("#plan-upload input[type=submit]")


def test_staff_import_a_word_plan_then_a_corrected_pdf_with_a_preview_and_a_diff(open_browser, staff_user):
    plan = corpus.reference()
    visit = open_browser(user=staff_user)

    _preview(visit, "2017年工作要点.docx", DOCX, corpus.word(plan))
    tree = visit.page.inner_text("#plan-tree")
    assert "六、加强政协自身建设，夯实政协事业发展基础" in tree
    assert "充分发挥民主党派、无党派人士在政协组织中的作用。" in tree
    assert "东协字〔2017〕12号" in visit.page.inner_text("#plan-header")
    assert "文档中的 1 个表格未导入。" in visit.page.inner_text("#import-warnings")
    assert WorkPlan.objects.count() == 0
    with visit.page.expect_navigation():
        visit.page.click("#plan-confirm input[name=confirm]")
    assert "2017 年工作要点已导入：新增 20 条" in visit.page.inner_text("body")
    assert Item.objects.count() == 20
    first_ids = list(Item.objects.order_by("number").values_list("pk", flat=True))

    number, title, text = plan.sections[3][1][1]
    plan.sections[3][1][1] = (number, "开展重点课题调研活动。", text.replace(title, "开展重点课题调研活动。"))
    _preview(visit, "2017年工作要点（修订）.pdf", "application/pdf", corpus.pdf(plan))
    diff = visit.page.inner_text("#import-diff")
    assert "12. 开展重点课题调研活动。" in diff and "原为" in diff
    assert "其中 19 条保持不变" in diff
    with visit.page.expect_navigation():
        visit.page.click("#plan-confirm input[name=confirm]")
    assert Item.objects.get(number=12).title == "开展重点课题调研活动。"
    assert list(Item.objects.order_by("number").values_list("pk", flat=True)) == first_ids
    visit.assert_clean()


def test_staff_paste_a_plan_copied_from_a_web_page(open_browser, staff_user):
    plan = corpus.reference()
    visit = open_browser(user=staff_user)
    visit.go("/admin/workplan/workplan/import/")

    visit.page.fill("#plan-upload textarea[name=text]", corpus.web_text(plan))
    with visit.page.expect_navigation():
        visit.page.click("#plan-upload input[type=submit]")
    assert "加强政协宣传与对外联络工作。" in visit.page.inner_text("#plan-tree")
    with visit.page.expect_navigation():
        visit.page.click("#plan-confirm input[name=confirm]")

    assert [(i.number, i.title, i.text) for i in Item.objects.order_by("number")] == plan.items
    visit.assert_clean()
