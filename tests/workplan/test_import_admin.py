"""Staff import the plan in the admin: upload, preview with warnings and a diff, confirm; nothing half-written."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cppcc_portal.core.errors import DomainError
from tests.factories import ActivityFactory
from tests.workplan import corpus
from tests.workplan.factories import TaskFactory
from workplan.importing import parse_bytes
from workplan.models import Item, Section, Task, WorkPlan
from workplan.services import plan_import, plan_import_preview

URL = reverse("admin:workplan_workplan_import")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture(autouse=True)
def _no_stale_previews():
    cache.clear()


def _upload(client, data: bytes, name: str):
    return client.post(URL, {"document": SimpleUploadedFile(name, data)})


def _confirm(client, response, **extra):
    return client.post(URL, {"token": response.context["token"], "confirm": "1", **extra})


def _text(plan: corpus.Plan) -> bytes:
    return corpus.web_text(plan).encode("utf-8")


def test_staff_preview_a_word_file_and_nothing_is_stored_before_they_confirm(staff_client):
    plan = corpus.reference()
    plan.sign_off = corpus.SIGN_OFF

    response = _upload(staff_client, corpus.word(plan), "2017年工作要点.docx")

    page = response.content.decode()
    assert response.status_code == 200
    assert "导入工作要点" in page
    assert "东协字〔2017〕12号" in page and "2017-03-20" in page
    assert "十四届委员会常务委员会" in page
    assert "六、加强政协自身建设，夯实政协事业发展基础" in page
    assert all(title in page for _n, title, _x in plan.items)
    assert "文档中的 1 个表格未导入。" in page
    assert "新的 2017 年工作要点，共 20 条。" in page
    assert WorkPlan.objects.count() == 0

    confirmed = _confirm(staff_client, response)

    stored = WorkPlan.objects.get()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("admin:workplan_workplan_change", args=[stored.pk])
    assert (stored.document_number, stored.adopted_on, stored.signed_on) == (
        "东协字〔2017〕12号",
        datetime.date(2017, 3, 20),
        datetime.date(2017, 3, 20),
    )
    assert stored.signatory == "政协北京市东城区委员会常务委员会"
    assert stored.distribution.startswith("区委办公室")
    assert stored.printing_note == "政协北京市东城区委员会办公室 2017年3月22日印发"
    assert [(i.number, i.title, i.text) for i in Item.objects.order_by("number")] == plan.items
    assert Section.objects.count() == 6


def test_a_pdf_and_pasted_web_text_import_the_same_plan(staff_client):
    plan = corpus.reference()
    _confirm(staff_client, _upload(staff_client, corpus.pdf(plan), "plan.pdf"))
    first = list(Item.objects.order_by("number").values_list("pk", "title", "text"))

    response = _upload(staff_client, _text(plan), "plan.txt")

    assert "其中 20 条保持不变" in response.content.decode()
    _confirm(staff_client, response)
    assert list(Item.objects.order_by("number").values_list("pk", "title", "text")) == first


def test_a_refused_file_is_named_on_the_page_with_its_place(staff_client):
    plan = corpus.reference()
    plan.sections[1][1][0] = (5, *plan.sections[1][1][0][1:])

    response = _upload(staff_client, _text(plan), "plan.txt")

    page = response.content.decode()
    assert "第 11 行: 第 5 条紧跟在第 3 条之后：缺少第 4 条" in page
    assert WorkPlan.objects.count() == 0


def test_a_scanned_pdf_is_refused_in_one_sentence(staff_client):
    response = _upload(staff_client, corpus.scanned_pdf(), "scan.pdf")

    assert "此 PDF 没有文字层，请提供 Word 或文本版" in response.content.decode()
    assert WorkPlan.objects.count() == 0


def test_a_reimport_shows_new_changed_and_removed_items_and_keeps_the_links(staff_client):
    plan = corpus.reference()
    plan_import(parsed=parse_bytes(_text(plan)))
    item = Item.objects.get(number=12)
    task = TaskFactory(item=item)
    activity = ActivityFactory()
    activity.items.add(item)
    number, title, text = plan.sections[3][1][1]
    plan.sections[3][1][1] = (number, "开展重点课题调研活动。", text.replace(title, "开展重点课题调研活动。"))
    removed = plan.sections[5][1].pop()  # item 20

    response = _upload(staff_client, _text(plan), "plan.txt")

    page = response.content.decode()
    preview = response.context["preview"]
    assert [row.number for row in preview.changed_items] == [12]
    assert preview.changed_items[0].fields == ["title", "text"]
    assert preview.changed_items[0].work == 1
    assert [row.number for row in preview.removed_items] == [20]
    assert preview.new_items == []
    assert "原为" in page and "开展重点调研活动。" in page and removed[1] in page
    _confirm(staff_client, response)
    item.refresh_from_db()
    assert item.title == "开展重点课题调研活动。"
    assert Task.objects.get().pk == task.pk and task.item_id == item.pk
    assert list(activity.items.all()) == [item]
    assert not Item.objects.filter(number=20).exists()


def test_an_item_with_linked_records_is_never_removed(staff_client):
    plan = corpus.reference()
    plan_import(parsed=parse_bytes(_text(plan)))
    ActivityFactory().items.add(Item.objects.get(number=20))
    plan.sections[5][1].pop()

    response = _upload(staff_client, _text(plan), "plan.txt")

    page = response.content.decode()
    assert "第 20 条不在新文件中，但已有任务、进展或关联记录。" in page
    assert 'name="confirm"' not in page
    _confirm(staff_client, response)
    assert Item.objects.filter(number=20).exists()


def test_another_committees_plan_of_the_same_year_is_only_replaced_by_explicit_choice(staff_client):
    dongcheng = corpus.reference()
    plan_import(parsed=parse_bytes(_text(dongcheng)))
    xicheng = corpus.second_committee(dongcheng)

    response = _upload(staff_client, _text(xicheng), "xicheng.txt")

    page = response.content.decode()
    assert (
        "系统中的 2017 年工作要点来自“政协北京市东城区委员会”；此文件来自“政协北京市西城区委员会”。" in page
    )
    assert 'name="replace"' in page
    refused = _confirm(staff_client, response)
    assert "如要替换，请明确选择替换" in refused.content.decode()
    assert WorkPlan.objects.get().issuer == "政协北京市东城区委员会文件"

    _confirm(staff_client, response, replace="1")

    stored = WorkPlan.objects.get()
    assert (stored.issuer, stored.document_number) == ("政协北京市西城区委员会文件", "西协字〔2017〕8号")
    assert Item.objects.get(number=1).title == "强化政治理论学习。"


def test_an_expired_preview_asks_for_the_file_again(staff_client):
    response = staff_client.post(URL, {"token": "0" * 64, "confirm": "1"}, follow=True)

    assert "预览已过期，请重新上传文件。" in response.content.decode()
    assert WorkPlan.objects.count() == 0


def test_the_preview_page_costs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    plan = corpus.reference()
    plan_import(parsed=parse_bytes(_text(plan)))

    # Session, user and permissions, the plan, its items with their work counted, one count per link provider.
    with django_assert_max_num_queries(16):
        response = _upload(staff_client, _text(plan), "plan.txt")

    assert response.status_code == 200


def test_the_changelist_links_to_the_import_page(staff_client):
    page = staff_client.get(reverse("admin:workplan_workplan_changelist")).content.decode()

    assert URL in page and "导入工作要点" in page


@pytest.mark.parametrize("persona", ["member_user", "leader_user"])
def test_only_office_staff_may_import(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    for response in (client.get(URL), _upload(client, _text(corpus.reference()), "plan.txt")):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("admin:login"))
    assert WorkPlan.objects.count() == 0


def test_a_leader_cannot_import_through_the_service_either(leader_user):
    with pytest.raises(DomainError):
        plan_import(parsed=parse_bytes(_text(corpus.reference())), actor=leader_user)
    assert WorkPlan.objects.count() == 0


def test_a_sign_off_too_long_for_its_field_is_refused_by_name_and_nothing_is_written(db):
    plan = corpus.reference()
    plan.sign_off = ["2017年3月20日", "抄送：" + "区委办公室，" * 100 + "区政府办公室。"]

    with pytest.raises(DomainError, match="抄送"):
        plan_import(parsed=parse_bytes(_text(plan)))

    assert WorkPlan.objects.count() == Item.objects.count() == 0


# --- the command uses the same engine ------------------------------------------------------------


def test_the_command_dry_run_prints_the_tree_and_stores_nothing(db, tmp_path, capsys):
    path = tmp_path / "plan.docx"
    path.write_bytes(corpus.word(corpus.reference()))

    call_command("import_workplan", str(path), "--dry-run")

    out = capsys.readouterr().out
    assert "一、加强理论学习引导，增进思想政治共识" in out
    assert "    15. 充分发挥民主党派、无党派人士在政协组织中的作用。" in out
    assert "文档中的 1 个表格未导入。" in out
    assert WorkPlan.objects.count() == 0


def test_the_command_refuses_another_committees_plan_unless_told(db, tmp_path):
    dongcheng = corpus.reference()
    plan_import(parsed=parse_bytes(_text(dongcheng)))
    path = tmp_path / "xicheng.pdf"
    path.write_bytes(corpus.pdf(corpus.second_committee(dongcheng)))

    with pytest.raises(CommandError, match="--replace-other-issuer"):
        call_command("import_workplan", str(path))
    assert WorkPlan.objects.get().document_number == "东协字〔2017〕12号"

    call_command("import_workplan", str(path), "--replace-other-issuer")
    assert WorkPlan.objects.get().document_number == "西协字〔2017〕8号"


def test_the_preview_of_an_unchanged_plan_has_no_changes(db):
    parsed = parse_bytes(_text(corpus.reference()))
    plan_import(parsed=parsed)

    preview = plan_import_preview(parsed=parsed)

    assert not preview.has_changes and preview.unchanged_items == 20 and not preview.other_issuer


def test_staff_may_paste_the_text_of_a_web_page_instead_of_uploading(staff_client):
    plan = corpus.reference()

    response = staff_client.post(URL, {"text": corpus.web_text(plan)})

    assert "“粘贴的文本”的预览" in response.content.decode()
    _confirm(staff_client, response)
    assert [(i.number, i.title, i.text) for i in Item.objects.order_by("number")] == plan.items


def test_a_file_or_pasted_text_is_required_but_not_both(staff_client):
    for data in ({}, {"text": "  "}, {"text": "x", "document": SimpleUploadedFile("p.txt", b"x")}):
        response = staff_client.post(URL, data)
        assert "请上传文件或粘贴文本（二选一）。" in response.content.decode()
    assert WorkPlan.objects.count() == 0
