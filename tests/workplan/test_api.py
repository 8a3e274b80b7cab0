"""The work plan API: everyone signed in reads; only office staff write, through the services."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests.workplan.factories import TaskFactory
from workplan.choices import TaskStatus
from workplan.models import ProgressUpdate, Task


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_callers_get_a_json_401(api, imported_plan):
    response = api.get("/api/v1/workplan/plans/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_member_reads_plans_sections_and_items(api, member_user, imported_plan):
    api.force_authenticate(member_user)

    plan = api.get("/api/v1/workplan/plans/2017/").json()
    sections = api.get("/api/v1/workplan/sections/?year=2017").json()
    items = api.get("/api/v1/workplan/items/?year=2017&page_size=50").json()

    assert plan["document_number"] == "东协字〔2017〕12号"
    assert sections["count"] == 6
    assert items["count"] == 20
    first = next(i for i in items["results"] if i["number"] == 9)
    assert (first["title"], first["section_number"]) == ("加大民主监督力度。", 3)


def test_a_member_cannot_write_tasks(api, member_user, imported_plan):
    api.force_authenticate(member_user)
    item = imported_plan.items.get(number=1)

    response = api.post("/api/v1/workplan/tasks/", {"item": item.pk, "title": "学习会"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Task.objects.exists()


def test_staff_create_a_task_and_the_item_progress_rolls_up(api, staff_user, imported_plan):
    api.force_authenticate(staff_user)
    item = imported_plan.items.get(number=1)

    response = api.post(
        "/api/v1/workplan/tasks/",
        {"item": item.pk, "title": "学习会", "owner": "staff", "due_date": "2017-06-30", "status": "done"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["owner"] == "staff"
    item.refresh_from_db()
    assert item.progress == Decimal("100.00")


def test_an_illegal_status_change_is_a_json_409_naming_both_states(api, staff_user, imported_plan):
    task = TaskFactory(item=imported_plan.items.get(number=1), status=TaskStatus.DONE)
    api.force_authenticate(staff_user)

    response = api.patch(f"/api/v1/workplan/tasks/{task.pk}/", {"status": "suspended"}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_transition"
    assert "已完成" in body["detail"] or "done" in body["detail"]


def test_bad_input_is_a_json_400_and_nothing_is_written(api, staff_user, imported_plan):
    api.force_authenticate(staff_user)
    item = imported_plan.items.get(number=1)

    response = api.post(
        "/api/v1/workplan/tasks/",
        {"item": item.pk, "title": "学习会", "start_date": "2017-06-30", "due_date": "2017-06-01"},
        format="json",
    )

    assert response.status_code == 400
    assert not Task.objects.exists()


def test_overdue_tasks_can_be_listed(api, member_user, imported_plan):
    item = imported_plan.items.get(number=1)
    TaskFactory(item=item, title="逾期", due_date=datetime.date(2017, 3, 1))
    TaskFactory(item=item, title="已完成", due_date=datetime.date(2017, 3, 1), status=TaskStatus.DONE)
    api.force_authenticate(member_user)

    titles = [t["title"] for t in api.get("/api/v1/workplan/tasks/?year=2017&overdue=1").json()["results"]]

    assert titles == ["逾期"]


def test_an_overdue_value_that_is_not_yes_or_no_is_a_400_not_an_ignored_filter(api, member_user):
    # The live fuzz found ?overdue=AAA answered the whole list as if the parameter were absent.
    api.force_authenticate(member_user)
    response = api.get("/api/v1/workplan/tasks/?overdue=AAA")
    assert response.status_code == 400 and "overdue" in response.json()["detail"]
    for value in ("yes", "no", "true", "false", "1", "0", ""):
        assert api.get(f"/api/v1/workplan/tasks/?overdue={value}").status_code == 200, value


def test_staff_post_a_progress_update_and_members_read_it(api, staff_user, member_user, imported_plan):
    item = imported_plan.items.get(number=9)
    api.force_authenticate(staff_user)

    created = api.post(
        "/api/v1/workplan/progress-updates/",
        {"item": item.pk, "date": "2017-05-25", "note": "监督小组成立。", "kind": "milestone"},
        format="json",
    )
    api.force_authenticate(member_user)
    listed = api.get("/api/v1/workplan/progress-updates/?year=2017").json()
    refused = api.post(
        "/api/v1/workplan/progress-updates/",
        {"item": item.pk, "date": "2017-05-25", "note": "x"},
        format="json",
    )

    assert created.status_code == 201
    assert listed["results"][0]["note"] == "监督小组成立。"
    assert refused.status_code == 403
    assert ProgressUpdate.objects.count() == 1


def test_an_attachment_posted_through_the_api_is_checked_by_content(api, staff_user, imported_plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = imported_plan.items.get(number=9)
    api.force_authenticate(staff_user)
    renamed = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 60, content_type="application/pdf")

    response = api.post(
        "/api/v1/workplan/progress-updates/",
        {"item": item.pk, "date": "2017-05-25", "note": "附件", "attachment": renamed},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "file_content_mismatch"
    assert not ProgressUpdate.objects.exists()


def test_the_task_and_item_lists_cost_the_same_queries_whatever_their_size(
    api, member_user, imported_plan, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    api.force_authenticate(member_user)
    items = list(imported_plan.items.all())

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/workplan/tasks/?year=2017").status_code == 200
            assert api.get("/api/v1/workplan/items/?year=2017").status_code == 200
        return len(queries)

    for item in items[:2]:
        TaskFactory(item=item, owner=UserFactory())
    small = count()
    for item in items:
        for _ in range(2):
            TaskFactory(item=item, owner=UserFactory())

    with django_assert_max_num_queries(small):
        count()
