"""The plan's cached link counts and rendered page never drift from the live data, whatever is written."""

import random

import pytest
import time_machine
from django.urls import reverse

from members.models import Activity
from proposals import services as proposal_services
from proposals.models import OpinionReport
from supervision.models import SupervisionTopic
from tests.factories import ActivityFactory
from tests.supervision.factories import TopicFactory
from tests.workplan.factories import TaskFactory
from workplan import generation, services
from workplan.links import link_counts, live_link_counts
from workplan.models import Item, Task

pytestmark = pytest.mark.django_db


def random_write(rng: random.Random, items: list[Item], member, staff) -> None:
    """One write that changes what links to the plan: add, relink, cancel or remove a record."""
    choice = rng.randrange(7)
    if choice == 0:
        activity = ActivityFactory(kind=rng.choice(["meeting", "training", "forum"]), status="held")
        activity.items.add(*rng.sample(items, rng.randint(1, 3)))
    elif choice == 1:
        activity = Activity.objects.order_by("?").first()
        if activity:
            activity.items.set(rng.sample(items, rng.randint(0, 2)))
    elif choice == 2:
        activity = Activity.objects.order_by("?").first()
        if activity:
            activity.status = rng.choice(["cancelled", "held", "planned"])
            activity.kind = rng.choice(["meeting", "inspection"])
            activity.save()
    elif choice == 3:
        proposal_services.report_submit(
            actor=member.user, title=f"社情{rng.random()}", situation="情况", items=[rng.choice(items)]
        )
    elif choice == 4:
        report = OpinionReport.objects.exclude(state="filed").order_by("?").first()
        if report:
            proposal_services.report_file(report=report, actor=staff)
    elif choice == 5:
        TopicFactory(item=rng.choice(items))
    else:
        victim = SupervisionTopic.objects.order_by("?").first() or Activity.objects.order_by("?").first()
        if victim:
            victim.delete()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cached_link_counts_equal_live_counts_after_random_writes(
    imported_plan, member, staff_user, django_capture_on_commit_callbacks, seed
):
    rng = random.Random(seed)
    items = list(imported_plan.items.order_by("number"))
    ids = [item.pk for item in items]
    link_counts(ids)
    for _ in range(15):
        with django_capture_on_commit_callbacks(execute=True):
            random_write(rng, items, member, staff_user)
        assert link_counts(ids) == live_link_counts(ids)
    assert any(link_counts(ids).values()), "the writes linked something"


def test_counts_are_served_from_the_cache_until_a_write(imported_plan, django_assert_num_queries):
    item = imported_plan.items.get(number=1)
    ActivityFactory(status="held").items.add(item)
    first = link_counts([item.pk])
    with django_assert_num_queries(0):
        assert link_counts([item.pk]) == first
    ActivityFactory(status="held").items.add(item)
    assert sum(link_counts([item.pk])[item.pk].values()) == sum(first[item.pk].values()) + 1


def test_the_plan_page_shows_a_task_change_at_once(client, member_user, staff_user, imported_plan):
    item = imported_plan.items.get(number=3)
    task = TaskFactory(item=item, title="调研报告定稿", status="in_progress")
    client.force_login(member_user)
    url = reverse("workplan:plan", args=[2017])
    assert "调研报告定稿" in client.get(url).content.decode()

    services.task_update(actor=staff_user, task=task, title="调研报告已印发", status="done")
    page = client.get(url).content.decode()

    assert "调研报告已印发" in page and "调研报告定稿" not in page


def test_bulk_task_changes_reach_the_cached_page(client, member_user, staff_user, imported_plan):
    item = imported_plan.items.get(number=4)
    TaskFactory(item=item, title="视察方案", status="in_progress", due_date="2017-12-01")
    client.force_login(member_user)
    url = reverse("workplan:plan", args=[2017])
    assert "2017-12-01" in client.get(url).content.decode()

    services.tasks_move_due(actor=staff_user, tasks=Task.objects.filter(item=item), days=10)

    assert "2017-12-11" in client.get(url).content.decode()


def test_overdue_marks_follow_the_date_not_the_cache(client, member_user, imported_plan):
    TaskFactory(item=imported_plan.items.get(number=5), status="in_progress", due_date="2017-06-30")
    client.force_login(member_user)
    url = reverse("workplan:plan", args=[2017])
    with time_machine.travel("2017-06-30 10:00 +0800", tick=False):
        assert "wp-overdue" not in client.get(url).content.decode()
    with time_machine.travel("2017-07-01 10:00 +0800", tick=False):
        assert "wp-overdue" in client.get(url).content.decode()


def test_a_cached_plan_page_costs_no_plan_queries(
    client, member_user, imported_plan, django_assert_max_num_queries
):
    client.force_login(member_user)
    url = reverse("workplan:plan", args=[2017])
    client.get(url)
    # Session, user, language preference, role groups: the plan itself comes from the cache.
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
    generation.forget()
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_a_renamed_task_owner_shows_at_once(client, member_user, imported_plan):
    from tests.factories import UserFactory

    owner = UserFactory(first_name="王秘书")
    TaskFactory(item=imported_plan.items.get(number=6), owner=owner)
    client.force_login(member_user)
    url = reverse("workplan:plan", args=[2017])
    assert "王秘书" in client.get(url).content.decode()

    owner.first_name = "王主任"
    owner.save()

    page = client.get(url).content.decode()
    assert "王主任" in page and "王秘书" not in page


@pytest.fixture
def cache_down(settings):
    """The cache server is unreachable (nothing listens on port 1)."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}


def test_with_the_cache_down_the_plan_still_shows_and_writes_still_work(
    client, member_user, staff_user, imported_plan, cache_down
):
    item = imported_plan.items.get(number=7)
    task = TaskFactory(item=item, title="协商议题调研", status="in_progress")
    ActivityFactory(status="held").items.add(item)
    client.force_login(member_user)
    url = reverse("workplan:plan", args=[2017])
    assert "协商议题调研" in client.get(url).content.decode()

    services.task_update(actor=staff_user, task=task, title="协商议题已定", status="done")

    page = client.get(url).content.decode()
    assert "协商议题已定" in page
    assert link_counts([item.pk]) == live_link_counts([item.pk])


def test_a_login_keeps_the_cached_plan(client, member_user, imported_plan):
    member_user.set_password("pass-Word-123")
    member_user.save()
    before = generation.current()

    assert client.login(username=member_user.username, password="pass-Word-123")

    assert generation.current() == before
