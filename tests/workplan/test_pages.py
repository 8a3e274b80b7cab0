"""The plan and item pages: who sees what, what they show, and that they stay cheap."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.factories import ItemFactory, SectionFactory, UserFactory, WorkPlanFactory
from tests.workplan.factories import ProgressUpdateFactory, TaskFactory
from workplan import links
from workplan.choices import TaskStatus
from workplan.links import LinkedRecord


@pytest.fixture
def provider():
    """A higher app's link provider: one activity linked to every item asked about."""

    class Activities:
        def counts(self, item_ids):
            return {item_id: {"活动": 1} for item_id in item_ids}

        def recent(self, item_id, limit):
            return [
                LinkedRecord(
                    "活动", f"学习会{item_id}", f"/portal/activities/{item_id}/", datetime.date(2017, 5, 4)
                )
            ][:limit]

        def list_urls(self, item_id, user):
            return {}

    activities = Activities()
    links.register_item_links(activities)
    yield activities
    links.unregister_item_links(activities)


def test_plan_redirects_to_the_newest_year(client, member_user):
    WorkPlanFactory(year=2017)
    WorkPlanFactory(year=2018)
    client.force_login(member_user)

    response = client.get(reverse("workplan:current"))

    assert response.status_code == 302
    assert response["Location"] == reverse("workplan:plan", args=[2018])


def test_anonymous_visitors_are_sent_to_the_login_page(client, imported_plan):
    for url in [
        reverse("workplan:current"),
        reverse("workplan:plan", args=[2017]),
        reverse("workplan:item", args=[2017, 1]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@time_machine.travel(datetime.datetime(2017, 7, 1, 9, 0), tick=False)
def test_a_member_reads_the_whole_plan_with_progress_tasks_and_overdue_marks(
    client, member_user, imported_plan
):
    owner = UserFactory(username="wang", first_name="王秘书")
    item = imported_plan.items.get(number=9)
    TaskFactory(item=item, title="组建财政预算民主监督小组", owner=owner, due_date=datetime.date(2017, 5, 31))
    client.force_login(member_user)

    response = client.get(reverse("workplan:plan", args=[2017]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "东协字〔2017〕12号" in page
    assert "中国人民政治协商会议北京市东城区 第十四届委员会常务委员会 2017 年工作要点" in page
    assert "区第十二次党代会确定的各项目标" in page
    assert "一、加强理论学习引导，增进思想政治共识" in page
    assert "9. 加大民主监督力度。" in page
    assert "健全活动机制" in page
    assert "组建财政预算民主监督小组" in page
    assert "王秘书" in page
    assert "2017-05-31" in page
    assert page.count("<progress") == 1 + 6 + 20
    assert "wp-overdue" in page


def test_the_plan_page_shows_link_counts_per_kind(client, member_user, imported_plan, provider):
    client.force_login(member_user)

    page = client.get(reverse("workplan:plan", args=[2017])).content.decode()

    assert page.count("活动 1") == 20


def test_an_unknown_year_is_not_found(client, member_user, imported_plan):
    client.force_login(member_user)

    assert client.get(reverse("workplan:plan", args=[2031])).status_code == 404
    assert client.get(reverse("workplan:item", args=[2017, 21])).status_code == 404


def test_the_item_page_shows_tasks_updates_and_linked_records(client, member_user, imported_plan, provider):
    item = imported_plan.items.get(number=11)
    TaskFactory(item=item, title="提案分析会")
    ProgressUpdateFactory(item=item, note="重点提案已全部交办。")
    client.force_login(member_user)

    response = client.get(reverse("workplan:item", args=[2017, 11]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "11. 扎实做好提案工作。" in page
    assert "举办提案分析会" in page
    assert "提案分析会" in page
    assert "重点提案已全部交办。" in page
    assert f"学习会{item.pk}" in page
    # Only staff post updates.
    assert "enctype" not in page


def _add_work(plan, items: int, tasks_per_item: int, updates_per_item: int = 1):
    owner = UserFactory()
    section = plan.sections.first() or SectionFactory(plan=plan, number=1)
    start = plan.items.count()
    for number in range(start + 1, start + items + 1):
        item = ItemFactory(section=section, number=number)
        for _ in range(tasks_per_item):
            TaskFactory(item=item, owner=owner)
        for _ in range(updates_per_item):
            ProgressUpdateFactory(item=item, author=owner)


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request of a session also writes the session: measure the next
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The base of every page (session, user, language, roles, unread count) plus one query per
# registered link provider of the other apps; the plan's own reads are a fixed handful.
PAGE_QUERY_BUDGET = 20


def test_the_plan_page_costs_the_same_queries_whatever_its_size(
    client, staff_user, provider, django_assert_max_num_queries
):
    plan = WorkPlanFactory(year=2017)
    _add_work(plan, items=4, tasks_per_item=2)
    client.force_login(staff_user)
    url = reverse("workplan:plan", args=[2017])
    small = _count_queries(client, url)

    _add_work(plan, items=8, tasks_per_item=6)

    with django_assert_max_num_queries(PAGE_QUERY_BUDGET):
        assert client.get(url).status_code == 200
    assert _count_queries(client, url) == small


def test_the_item_page_costs_the_same_queries_whatever_its_size(
    client, staff_user, provider, django_assert_max_num_queries
):
    plan = WorkPlanFactory(year=2017)
    _add_work(plan, items=1, tasks_per_item=2, updates_per_item=2)
    item = plan.items.get()
    client.force_login(staff_user)
    url = reverse("workplan:item", args=[2017, item.number])
    small = _count_queries(client, url)

    for _ in range(4):
        TaskFactory(item=item, owner=UserFactory())
        ProgressUpdateFactory(item=item, task=item.tasks.first(), author=UserFactory())

    with django_assert_max_num_queries(PAGE_QUERY_BUDGET):
        assert client.get(url).status_code == 200
    assert _count_queries(client, url) == small


def test_staff_post_a_progress_update_and_it_shows_on_the_item(client, staff_user, imported_plan):
    item = imported_plan.items.get(number=6)
    task = TaskFactory(item=item, title="组建活动小组", status=TaskStatus.IN_PROGRESS)
    client.force_login(staff_user)

    response = client.post(
        reverse("workplan:item", args=[2017, 6]),
        {"date": "2017-06-20", "kind": "update", "task": task.pk, "note": "已组建12个小组。"},
    )

    assert response.status_code == 302
    update = item.progress_updates.get()
    assert (update.note, update.task, update.author) == ("已组建12个小组。", task, staff_user)
    assert "已组建12个小组。" in client.get(reverse("workplan:item", args=[2017, 6])).content.decode()


def test_a_member_cannot_post_a_progress_update(client, member_user, imported_plan):
    client.force_login(member_user)

    response = client.post(
        reverse("workplan:item", args=[2017, 6]), {"date": "2017-06-20", "kind": "update", "note": "x"}
    )

    assert response.status_code == 403
    assert not imported_plan.items.get(number=6).progress_updates.exists()


def test_a_task_of_another_item_is_refused(client, staff_user, imported_plan):
    other = TaskFactory(item=imported_plan.items.get(number=1))
    client.force_login(staff_user)

    response = client.post(
        reverse("workplan:item", args=[2017, 6]),
        {"date": "2017-06-20", "kind": "update", "task": other.pk, "note": "进展"},
    )

    assert response.status_code == 400
    assert not imported_plan.items.get(number=6).progress_updates.exists()


def test_the_item_page_shows_each_task_status_change_as_a_timeline(
    client, staff_user, member_user, imported_plan
):
    from workplan import services

    item = imported_plan.items.get(number=8)
    task = services.task_create(actor=staff_user, item=item, title="确定全年协商议题")
    services.task_update(actor=staff_user, task=task, status=TaskStatus.IN_PROGRESS)
    services.task_update(actor=staff_user, task=task, status=TaskStatus.DONE, note="议题已报区委")
    client.force_login(member_user)

    page = client.get(reverse("workplan:item", args=[2017, 8])).content.decode()

    assert "未开始 → 进行中" in page
    assert "进行中 → 已完成" in page
    assert "议题已报区委" in page
    assert page.index("进行中 → 已完成") < page.index("未开始 → 进行中")


def test_a_section_is_numbered_the_way_the_document_writes_it_whatever_its_number():
    from workplan.models import Section

    assert [Section(number=n).numeral for n in (1, 10, 11, 20, 99)] == ["一", "十", "十一", "二十", "九十九"]
    assert Section(number=120).numeral == "120"
