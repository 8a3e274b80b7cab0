"""Progress rolls up from tasks to items, sections and the plan; overdue work is found."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from cppcc_portal.core.errors import PermissionDeniedError, TransitionError
from cppcc_portal.core.models import AuditEvent
from tests.factories import ItemFactory, SectionFactory, WorkPlanFactory
from tests.workplan.factories import TaskFactory
from workplan import selectors, services
from workplan.choices import ItemStatus, TaskStatus
from workplan.models import Item, Task


@pytest.fixture
def plan(db):
    return WorkPlanFactory(year=2017)


@pytest.fixture
def section(plan):
    return SectionFactory(plan=plan, number=1)


def _create(actor, item, **values):
    return services.task_create(actor=actor, item=item, title=values.pop("title", "任务"), **values)


def test_an_item_is_the_weighted_average_of_its_tasks(staff_user, section):
    item = ItemFactory(section=section, number=1)
    _create(staff_user, item, title="调研", weight=1, status=TaskStatus.DONE)
    _create(staff_user, item, title="报告", weight=3, status=TaskStatus.IN_PROGRESS)

    item.refresh_from_db()

    # (1 × 100 + 3 × 50) / 4
    assert item.progress == Decimal("62.50")
    assert item.status == ItemStatus.IN_PROGRESS


def test_a_typed_percentage_overrides_the_status(staff_user, section):
    item = ItemFactory(section=section, number=1)
    _create(staff_user, item, title="调研", weight=1, status=TaskStatus.NOT_STARTED)
    _create(staff_user, item, title="报告", weight=3, status=TaskStatus.IN_PROGRESS, progress=Decimal("80"))

    item.refresh_from_db()

    # (1 × 0 + 3 × 80) / 4
    assert item.progress == Decimal("60.00")


def test_suspended_work_counts_as_nothing_done(staff_user, section):
    item = ItemFactory(section=section, number=1)
    _create(staff_user, item, title="a", weight=1, status=TaskStatus.SUSPENDED)
    _create(staff_user, item, title="b", weight=3, status=TaskStatus.DONE)

    item.refresh_from_db()

    assert item.progress == Decimal("75.00")


def test_sections_and_the_plan_average_their_items(staff_user, plan, section):
    other_section = SectionFactory(plan=plan, number=2)
    first = ItemFactory(section=section, number=1)
    second = ItemFactory(section=section, number=2)
    third = ItemFactory(section=other_section, number=3)
    _create(staff_user, first, title="a", weight=1, status=TaskStatus.DONE)
    _create(staff_user, first, title="b", weight=3, status=TaskStatus.IN_PROGRESS)  # 62.5
    _create(staff_user, second, title="c", status=TaskStatus.DONE)  # 100
    services.item_set_status(actor=staff_user, item=third, status=ItemStatus.IN_PROGRESS)  # 50, no tasks

    section.refresh_from_db()
    other_section.refresh_from_db()
    plan.refresh_from_db()

    assert section.progress == Decimal("81.25")
    assert other_section.progress == Decimal("50.00")
    assert plan.progress == Decimal("70.83")  # (62.5 + 100 + 50) / 3


def test_an_item_without_tasks_keeps_its_status_value(staff_user, section):
    item = ItemFactory(section=section, number=1, status=ItemStatus.DONE)

    services.progress_recompute(plan_ids=[section.plan_id])

    item.refresh_from_db()
    assert item.progress == Decimal("100.00")


def test_changing_a_status_rolls_up_at_once_and_is_recorded(staff_user, section):
    item = ItemFactory(section=section, number=1)
    task = _create(staff_user, item, title="a", status=TaskStatus.IN_PROGRESS)

    services.task_update(actor=staff_user, task=task, status=TaskStatus.DONE, note="已完成")

    item.refresh_from_db()
    assert (item.progress, item.status) == (Decimal("100.00"), ItemStatus.DONE)
    event = AuditEvent.objects.filter(action="task.status").get()
    assert event.changes == {"status": ["in_progress", "done"]}
    assert event.actor == staff_user


def test_a_done_task_cannot_be_suspended(staff_user, section):
    task = _create(staff_user, ItemFactory(section=section, number=1), status=TaskStatus.DONE)

    with pytest.raises(TransitionError, match="已完成|done"):
        services.task_update(actor=staff_user, task=task, status=TaskStatus.SUSPENDED)

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_bulk_status_change_is_all_or_nothing(staff_user, section):
    item = ItemFactory(section=section, number=1)
    open_task = _create(staff_user, item, title="a", status=TaskStatus.IN_PROGRESS)
    done_task = _create(staff_user, item, title="b", status=TaskStatus.DONE)

    with pytest.raises(TransitionError):
        services.tasks_set_status(actor=staff_user, tasks=[open_task, done_task], status=TaskStatus.SUSPENDED)

    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.IN_PROGRESS, TaskStatus.DONE}


def test_bulk_status_change_rolls_progress_up_in_a_fixed_number_of_queries(
    staff_user, section, django_assert_max_num_queries
):
    items = [ItemFactory(section=section, number=n) for n in range(1, 6)]
    tasks = [TaskFactory(item=item) for item in items for _ in range(3)]

    with django_assert_max_num_queries(14):
        changed = services.tasks_set_status(actor=staff_user, tasks=tasks, status=TaskStatus.DONE)

    assert changed == 15
    assert set(Item.objects.values_list("progress", flat=True)) == {Decimal("100.00")}


def test_moving_due_dates_shifts_each_task(staff_user, section):
    item = ItemFactory(section=section, number=1)
    early = TaskFactory(item=item, due_date=datetime.date(2017, 5, 1))
    late = TaskFactory(item=item, due_date=datetime.date(2017, 6, 30))

    services.tasks_move_due(actor=staff_user, tasks=[early, late], days=14)

    assert sorted(Task.objects.values_list("due_date", flat=True)) == [
        datetime.date(2017, 5, 15),
        datetime.date(2017, 7, 14),
    ]


def test_a_member_cannot_change_tasks(member_user, section):
    task = TaskFactory(item=ItemFactory(section=section, number=1))

    with pytest.raises(PermissionDeniedError):
        services.task_update(actor=member_user, task=task, status=TaskStatus.DONE)


@time_machine.travel(datetime.datetime(2017, 7, 1, 9, 0), tick=False)
def test_overdue_means_due_date_passed_and_not_done(section):
    item = ItemFactory(section=section, number=1)
    late = TaskFactory(
        item=item, title="late", due_date=datetime.date(2017, 6, 30), status=TaskStatus.IN_PROGRESS
    )
    TaskFactory(item=item, title="finished", due_date=datetime.date(2017, 6, 1), status=TaskStatus.DONE)
    TaskFactory(item=item, title="today", due_date=datetime.date(2017, 7, 1))
    TaskFactory(item=item, title="no date", due_date=None)

    assert list(selectors.overdue_tasks(year=2017)) == [late]
    assert list(Task.objects.overdue()) == [late]
    assert late.is_overdue


@time_machine.travel(datetime.datetime(2017, 7, 1, 9, 0), tick=False)
def test_plan_progress_gives_the_dashboard_sections_items_and_overdue_counts(
    staff_user, plan, section, django_assert_max_num_queries
):
    item = ItemFactory(section=section, number=1, title="强化政治理论学习。")
    _create(staff_user, item, title="a", due_date=datetime.date(2017, 6, 1), status=TaskStatus.IN_PROGRESS)
    _create(staff_user, item, title="b", due_date=datetime.date(2017, 8, 1), status=TaskStatus.DONE)

    with django_assert_max_num_queries(3):
        data = selectors.plan_progress(year=2017)

    assert data["progress"] == 75.0
    assert data["overdue_tasks"] == 1
    [first] = data["sections"]
    assert first["progress"] == 75.0
    assert first["items"][0] | {"id": 0} == {
        "id": 0,
        "number": 1,
        "title": "强化政治理论学习。",
        "progress": 75.0,
        "status": "in_progress",
        "status_label": first["items"][0]["status_label"],
        "tasks": 2,
        "overdue_tasks": 1,
    }
    assert selectors.plan_progress(year=2030) is None
