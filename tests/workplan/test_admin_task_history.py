"""A task changed in the admin's form shows on its item's page, like a change made anywhere else."""

import pytest
from django.urls import reverse

from tests.workplan.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_a_progress_change_made_in_the_admin_appears_in_the_items_task_history(client, staff_user):
    task = TaskFactory(title="组织协商座谈会", status="in_progress")
    client.force_login(staff_user)
    form = {
        "item": task.item.pk,
        "title": task.title,
        "owner": "",
        "start_date": "2017-03-01",
        "due_date": "2017-06-30",
        "status": "in_progress",
        "weight": 1,
        "progress": "60",
    }
    response = client.post(reverse("admin:workplan_task_change", args=[task.pk]), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = task.item
    page = client.get(reverse("workplan:item", args=[item.plan.year, item.number])).content.decode()
    assert "任务变更记录" in page
    history = page.split("任务变更记录")[1].split("</section>")[0]
    assert "组织协商座谈会" in history and "进度 0% → 60%" in history
