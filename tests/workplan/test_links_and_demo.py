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


class _FakeProvider:
    """A higher app's provider answering from a fixed list, counting how often it is asked."""

    def __init__(self, records: dict[int, list[LinkedRecord]], list_url: str = ""):
        self.records = records
        self.list_url = list_url
        self.calls: list[tuple] = []

    def counts(self, item_ids):
        self.calls.append(("counts", tuple(item_ids)))
        result = {}
        for item_id in item_ids:
            for record in self.records.get(item_id, []):
                kinds = result.setdefault(item_id, {})
                kinds[record.kind] = kinds.get(record.kind, 0) + 1
        return result

    def recent(self, item_id, limit):
        self.calls.append(("recent", item_id, limit))
        by_kind: dict[str, list[LinkedRecord]] = {}
        for record in self.records.get(item_id, []):
            by_kind.setdefault(record.kind, []).append(record)
        return [r for records in by_kind.values() for r in records[:limit]]

    def list_urls(self, item_id, user):
        if not self.list_url:
            return {}
        return {
            kind: f"{self.list_url}?item={item_id}"
            for kind in {r.kind for r in self.records.get(item_id, [])}
        }


@pytest.fixture
def two_providers(db):
    activities = _FakeProvider(
        {i: [LinkedRecord("活动", "学习会", "/a/", datetime.date(2017, 3, 1))] for i in (7, 8)},
        list_url="/a/",
    )
    proposals = _FakeProvider(
        {
            7: [
                LinkedRecord("提案", "关于停车的提案", "/p/1/", datetime.date(2017, 5, 1)),
                LinkedRecord("提案", "关于养老的提案", "/p/2/", None),
                LinkedRecord("提案", "关于垃圾分类的提案", "/p/3/", datetime.date(2017, 2, 1)),
            ]
        }
    )
    for provider in (activities, proposals):
        links.register_item_links(provider)
    yield activities, proposals
    for provider in (activities, proposals):
        links.unregister_item_links(provider)


def test_link_counts_add_up_every_provider_per_kind_and_ask_each_provider_once(two_providers):
    activities, proposals = two_providers

    counts = links.link_counts([7, 8, 9])

    assert counts == {7: {"提案": 3, "活动": 1}, 8: {"活动": 1}, 9: {}}
    assert activities.calls == [("counts", (7, 8, 9))]
    assert proposals.calls == [("counts", (7, 8, 9))]


def test_no_items_ask_no_provider(two_providers):
    activities, _ = two_providers

    assert links.link_counts([]) == {}
    assert activities.calls == []


def test_recent_records_are_the_newest_of_each_kind_newest_first(two_providers):
    records = links.recent_records(7, limit=2)

    assert [r.title for r in records] == ["关于停车的提案", "学习会", "关于养老的提案"]


def test_item_links_give_each_kind_its_total_newest_records_and_full_list(two_providers):
    user = UserFactory()

    groups = {group.kind: group for group in links.item_links(7, user, limit=2)}

    assert groups["提案"].count == 3
    assert [r.title for r in groups["提案"].recent] == ["关于停车的提案", "关于养老的提案"]
    assert groups["提案"].truncated and groups["提案"].list_url == ""
    assert groups["活动"].count == 1 and not groups["活动"].truncated
    assert groups["活动"].list_url == "/a/?item=7"


def test_an_item_without_links_has_no_groups(two_providers):
    assert links.item_links(9, UserFactory()) == []


def test_registering_twice_keeps_one_provider():
    provider = _FakeProvider({})

    links.register_item_links(provider)
    links.register_item_links(provider)
    try:
        assert links.registered_providers().count(provider) == 1
    finally:
        links.unregister_item_links(provider)


def test_a_provider_that_only_returns_every_record_is_refused():
    def everything(item_ids):
        return {}

    with pytest.raises(TypeError):
        links.register_item_links(everything)
    assert everything not in links.registered_providers()


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
