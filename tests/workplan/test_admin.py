"""The office's admin: changelists, bulk actions through the services, Excel/CSV import of tasks."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import UserFactory
from tests.workplan.factories import TaskFactory
from workplan.choices import TaskStatus
from workplan.models import Task

CHANGELISTS = [
    "admin:workplan_workplan_changelist",
    "admin:workplan_section_changelist",
    "admin:workplan_item_changelist",
    "admin:workplan_task_changelist",
    "admin:workplan_progressupdate_changelist",
    "admin:workplan_task_import",
    "admin:workplan_task_export",
]
HEADER = "年度,要点编号,任务,负责人,开始日期,截止日期,状态,权重,进度"


@pytest.fixture
def staff_client(client, staff_user, imported_plan):
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_staff_open_the_admin_pages(staff_client, imported_plan, url_name):
    TaskFactory(item=imported_plan.items.get(number=1))

    response = staff_client.get(reverse(url_name))

    assert response.status_code == 200


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_a_member_is_refused(client, member_user, imported_plan, url_name):
    client.force_login(member_user)

    response = client.get(reverse(url_name))

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_speaks_chinese(staff_client):
    page = staff_client.get(reverse("admin:workplan_task_changelist")).content.decode()

    assert "任务" in page
    assert "已超期" in page


def test_the_task_filters_find_overdue_tasks(staff_client, imported_plan):
    item = imported_plan.items.get(number=1)
    TaskFactory(item=item, title="逾期的任务", due_date=datetime.date(2017, 3, 1))
    TaskFactory(item=item, title="完成的任务", due_date=datetime.date(2017, 3, 1), status=TaskStatus.DONE)

    page = staff_client.get(reverse("admin:workplan_task_changelist") + "?overdue=yes").content.decode()

    assert "逾期的任务" in page
    assert "完成的任务" not in page


def test_the_task_changelist_costs_the_same_queries_whatever_its_size(
    staff_client, imported_plan, django_assert_max_num_queries
):
    owners = [UserFactory() for _ in range(3)]
    for item in imported_plan.items.all()[:3]:
        TaskFactory(item=item, owner=owners[0])
    url = reverse("admin:workplan_task_changelist")
    staff_client.get(url)
    with django_assert_max_num_queries(16) as small:
        staff_client.get(url)
    for item in imported_plan.items.all():
        for owner in owners:
            TaskFactory(item=item, owner=owner)

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert staff_client.get(url).status_code == 200


def test_bulk_set_status_asks_then_rolls_progress_up(staff_client, imported_plan):
    item = imported_plan.items.get(number=2)
    tasks = [TaskFactory(item=item, status=TaskStatus.IN_PROGRESS) for _ in range(2)]
    url = reverse("admin:workplan_task_changelist")
    selected = {ACTION_CHECKBOX_NAME: [t.pk for t in tasks], "action": "set_status"}

    form_page = staff_client.post(url, selected)
    assert form_page.status_code == 200
    assert 'name="status"' in form_page.content.decode()

    done = staff_client.post(url, {**selected, "apply": "1", "status": TaskStatus.DONE, "note": ""})

    assert done.status_code == 302
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.DONE}
    item.refresh_from_db()
    assert item.progress == Decimal("100.00")


def test_bulk_shift_due_dates(staff_client, imported_plan):
    task = TaskFactory(item=imported_plan.items.get(number=2), due_date=datetime.date(2017, 6, 30))
    url = reverse("admin:workplan_task_changelist")

    response = staff_client.post(
        url,
        {
            ACTION_CHECKBOX_NAME: [task.pk],
            "action": "move_due_date",
            "apply": "1",
            "days": "7",
            "due_date": "",
        },
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.due_date == datetime.date(2017, 7, 7)


def test_an_illegal_bulk_status_change_changes_nothing(staff_client, imported_plan):
    task = TaskFactory(item=imported_plan.items.get(number=2), status=TaskStatus.DONE)

    staff_client.post(
        reverse("admin:workplan_task_changelist"),
        {
            ACTION_CHECKBOX_NAME: [task.pk],
            "action": "set_status",
            "apply": "1",
            "status": TaskStatus.SUSPENDED,
        },
    )

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def _csv(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "tasks.csv", "\n".join([HEADER, *rows]).encode("utf-8"), content_type="text/csv"
    )


def _import_format_index(client) -> str:
    page = client.get(reverse("admin:workplan_task_import"))
    form = page.context["form"]
    return next(value for value, label in form.fields["format"].choices if str(label).lower() == "csv")


def test_importing_tasks_previews_then_confirms_and_rolls_progress_up(staff_client, imported_plan):
    UserFactory(username="wangmishu")
    fmt = _import_format_index(staff_client)
    sheet = _csv(
        "2017,9,组建财政预算民主监督小组,wangmishu,2017-04-01,2017-05-31,已完成,1,",
        "2017,9,地下空间整治专项监督,,2017-06-01,2017-11-30,进行中,3,",
    )

    preview = staff_client.post(reverse("admin:workplan_task_import"), {"format": fmt, "import_file": sheet})

    assert preview.status_code == 200
    assert "confirm_form" in preview.context
    assert not Task.objects.exists()
    confirm = preview.context["confirm_form"].initial
    done = staff_client.post(reverse("admin:workplan_task_process_import"), confirm)

    assert done.status_code == 302
    assert Task.objects.count() == 2
    item = imported_plan.items.get(number=9)
    assert item.progress == Decimal("62.50")
    assert Task.objects.get(title="组建财政预算民主监督小组").owner.username == "wangmishu"


def test_a_sheet_with_a_bad_row_imports_nothing_and_names_the_row(staff_client, imported_plan):
    fmt = _import_format_index(staff_client)
    sheet = _csv(
        "2017,9,好的一行,,2017-04-01,2017-05-31,进行中,1,",
        "2017,25,不存在的要点,,2017-04-01,2017-05-31,进行中,1,",
        "2017,9,负责人不存在,nobody,2017-04-01,2017-05-31,进行中,1,",
    )

    preview = staff_client.post(reverse("admin:workplan_task_import"), {"format": fmt, "import_file": sheet})

    assert preview.status_code == 200
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    result = preview.context["result"]
    assert result.has_validation_errors() or result.has_errors()
    rows_with_errors = {row.number for row in result.invalid_rows}
    assert rows_with_errors == {2, 3}
    assert not Task.objects.exists()


def test_reimporting_a_sheet_updates_the_same_tasks(staff_client, imported_plan):
    from workplan.resources import TaskResource

    task = TaskFactory(item=imported_plan.items.get(number=9), title="监督", status=TaskStatus.IN_PROGRESS)
    dataset = TaskResource().export()
    dataset.dict = [dict(row) | {"状态": "已完成"} for row in dataset.dict]

    result = TaskResource().import_data(dataset, dry_run=False, use_transactions=True)

    assert not result.has_errors() and not result.has_validation_errors()
    assert Task.objects.get().pk == task.pk
    assert Task.objects.get().status == TaskStatus.DONE


def test_the_export_has_chinese_headers(staff_client, imported_plan):
    from workplan.resources import TaskResource

    TaskFactory(item=imported_plan.items.get(number=9), title="监督", status=TaskStatus.IN_PROGRESS)

    dataset = TaskResource().export()

    assert dataset.headers == HEADER.split(",")
    assert dataset.dict[0]["要点编号"] == 9
    assert dataset.dict[0]["状态"] == "进行中"


def test_adding_a_task_in_the_item_page_rolls_progress_up(staff_client, imported_plan):
    item = imported_plan.items.get(number=4)
    url = reverse("admin:workplan_item_change", args=[item.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {
        "plan": item.plan_id,
        "section": item.section_id,
        "number": item.number,
        "title": item.title,
        "text": item.text,
        "responsible_bodies": "",
        "status": item.status,
        "tasks-TOTAL_FORMS": "1",
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "0",
        "tasks-MAX_NUM_FORMS": "1000",
        "tasks-0-title": "履职评价办法修订",
        "tasks-0-status": TaskStatus.DONE,
        "tasks-0-weight": "1",
        "tasks-0-due_date": "2017-06-30",
    }
    assert "title" in form.fields

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    task = Task.objects.get()
    assert (task.title, task.item_id) == ("履职评价办法修订", item.pk)
    item.refresh_from_db()
    assert item.progress == Decimal("100.00")


def test_a_leader_reads_the_task_list_but_cannot_import(client, leader_user, imported_plan):
    client.force_login(leader_user)

    assert client.get(reverse("admin:workplan_task_changelist")).status_code == 200
    assert client.get(reverse("admin:workplan_task_import")).status_code == 403


def test_adding_a_task_in_the_admin_goes_through_the_service(staff_client, staff_user, imported_plan):
    from cppcc_portal.core.models import AuditEvent

    item = imported_plan.items.get(number=13)

    response = staff_client.post(
        reverse("admin:workplan_task_add"),
        {
            "item": item.pk,
            "title": "组建社情民意信息员队伍",
            "owner": staff_user.pk,
            "start_date": "2017-03-01",
            "due_date": "2017-04-30",
            "status": TaskStatus.IN_PROGRESS,
            "weight": "2",
            "progress": "",
        },
    )

    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.item, task.owner, task.weight) == (item, staff_user, 2)
    assert AuditEvent.objects.filter(action="task.create", object_id=str(task.pk)).exists()
    item.refresh_from_db()
    assert item.progress == Decimal("50.00")


def test_an_excel_export_imports_back_without_changes(imported_plan):
    import tablib

    from workplan.resources import TaskResource

    TaskFactory(item=imported_plan.items.get(number=9), title="监督", status=TaskStatus.IN_PROGRESS, weight=3)
    workbook = TaskResource().export().export("xlsx")

    result = TaskResource().import_data(tablib.Dataset().load(workbook, format="xlsx"), dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    assert Task.objects.count() == 1
    assert (Task.objects.get().weight, Task.objects.get().status) == (3, TaskStatus.IN_PROGRESS)
