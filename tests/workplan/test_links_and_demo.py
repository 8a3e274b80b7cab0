"""The links registry higher apps fill, and the demo data."""

import datetime
from io import StringIO

import pytest

from cppcc_portal.core import roles
from cppcc_portal.core.demo import DemoContext
from tests.factories import UserFactory
from workplan import demo, links
from workplan.links import LinkedRecord
from workplan.models import ProgressUpdate, Task, WorkPlan


@pytest.fixture
def two_providers():
    def activities(item_ids):
        return {i: [LinkedRecord("活动", "学习会", "/a/", datetime.date(2017, 3, 1))] for i in item_ids}

    def proposals(item_ids):
        return {
            item_ids[0]: [
                LinkedRecord("提案", "关于停车的提案", "/p/1/", datetime.date(2017, 5, 1)),
                LinkedRecord("提案", "关于养老的提案", "/p/2/", None),
            ]
        }

    for provider in (activities, proposals):
        links.register_item_links(provider)
    yield
    for provider in (activities, proposals):
        links.unregister_item_links(provider)


def test_linked_records_gathers_every_provider_newest_first(db, two_providers):
    records = links.linked_records([7, 8])

    assert [r.title for r in records[7]] == ["关于停车的提案", "学习会", "关于养老的提案"]
    assert [r.title for r in records[8]] == ["学习会"]


def test_link_counts_count_per_kind(db, two_providers):
    assert links.link_counts([7, 8]) == {7: {"提案": 2, "活动": 1}, 8: {"活动": 1}}


def test_registering_twice_keeps_one_provider():
    def provider(item_ids):
        return {}

    links.register_item_links(provider)
    links.register_item_links(provider)
    try:
        assert links.registered_providers().count(provider) == 1
    finally:
        links.unregister_item_links(provider)


def _context():
    staff = UserFactory(username="demo_staff", role=roles.STAFF)
    return DemoContext(year=2017, users={"staff": staff}, stdout=StringIO())


def test_the_demo_imports_the_plan_if_missing_and_is_idempotent(db):
    context = _context()

    demo.seed(context)
    counts = (Task.objects.count(), ProgressUpdate.objects.count())
    demo.seed(context)

    plan = WorkPlan.objects.get(year=2017)
    assert plan.items.count() == 20
    assert counts == (Task.objects.count(), ProgressUpdate.objects.count())
    assert counts[0] >= 20 and counts[1] >= 3
    assert Task.objects.filter(status="done").exists()
    assert Task.objects.overdue(datetime.date(2017, 12, 31)).exists()
    assert 0 < plan.progress < 100
