"""The plan's pages with the real activities, proposals, reports and topics of the other apps.

The plan page shows how many records of each kind serve every item (grouped counts, never the
records); the item page shows each kind's total, its newest records and, for readers of everything,
the full filtered list in the admin. Both cost a fixed number of queries whatever the data size.
"""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from members.choices import ActivityKind
from proposals.models import OpinionReport, Proposal
from tests.factories import ActivityFactory, ItemFactory, MemberFactory, SectionFactory, WorkPlanFactory
from tests.proposals.factories import CategoryFactory
from tests.supervision.factories import TopicFactory
from workplan.links import RECENT_LIMIT

_topic_numbers = itertools.count(1)
MEETING = "meeting"
INSPECTION = "inspection"


def _label(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def _when(day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2017, 1, 1, 9, 0)) + datetime.timedelta(days=day)


def _link_work(
    item, *, meetings=0, inspections=0, cancelled=0, proposals=0, drafts=0, reports=0, filed=0, topics=0
):
    """Records serving the item; cancelled activities, draft proposals and filed reports must not count."""
    made = item.pk * 1000
    for n in range(meetings):
        ActivityFactory(title=f"会议{made + n}", kind=MEETING, starts_at=_when(n)).items.add(item)
    for n in range(inspections):
        ActivityFactory(title=f"视察{made + n}", kind=INSPECTION, starts_at=_when(n)).items.add(item)
    for n in range(cancelled):
        ActivityFactory(
            title=f"取消{made + n}", kind=MEETING, status="cancelled", starts_at=_when(n)
        ).items.add(item)
    submitter = MemberFactory() if proposals or drafts else None
    category = CategoryFactory() if proposals or drafts else None
    for n in range(proposals + drafts):
        proposal = Proposal.objects.create(
            year=2017,
            title=f"提案{made + n}",
            reason="理由",
            suggestions="建议",
            category=category,
            submitter=submitter,
            state="accepted" if n < proposals else "draft",
            submitted_at=_when(n) if n < proposals else None,
        )
        proposal.items.add(item)
    for n in range(reports + filed):
        report = OpinionReport.objects.create(
            year=2017,
            title=f"社情{made + n}",
            situation="情况",
            state="submitted" if n < reports else "filed",
        )
        report.items.add(item)
    for _ in range(topics):
        TopicFactory(title=f"议题{next(_topic_numbers)}", item=item, year=2017)


def _plan(items: int):
    plan = WorkPlanFactory(year=2017)
    section = SectionFactory(plan=plan, number=1)
    return plan, [ItemFactory(section=section, plan=plan, number=n) for n in range(1, items + 1)]


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request of a session also writes the session: measure the next
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_plan_page_shows_the_real_number_of_each_kind_of_record_per_item(client, member_user):
    plan, (first, second) = _plan(2)
    _link_work(
        first, meetings=3, inspections=2, cancelled=4, proposals=2, drafts=5, reports=1, filed=3, topics=2
    )
    _link_work(second, meetings=1)
    client.force_login(member_user)

    page = client.get(reverse("workplan:plan", args=[2017])).content.decode()

    first_html = page[page.index('id="item-1"') : page.index('id="item-2"')]
    second_html = page[page.index('id="item-2"') :]
    meeting, inspection = _label(ActivityKind.MEETING.label), _label(ActivityKind.INSPECTION.label)
    assert f'<span class="tag">{meeting} 3</span>' in first_html
    assert f'<span class="tag">{inspection} 2</span>' in first_html
    assert '<span class="tag">提案 2</span>' in first_html
    assert '<span class="tag">社情民意信息 1</span>' in first_html
    assert '<span class="tag">监督议题 2</span>' in first_html
    assert f'<span class="tag">{meeting} 1</span>' in second_html
    assert "提案" not in second_html.split("</p>")[0]
    # The counts are numbers, not records: no title of a linked record is on the plan page.
    assert "会议" + str(first.pk * 1000) not in page


def test_the_item_page_shows_each_kinds_total_and_its_newest_records(client, member_user):
    plan, (item,) = _plan(1)
    _link_work(item, meetings=RECENT_LIMIT + 5, proposals=2, drafts=1, topics=1)
    client.force_login(member_user)

    page = client.get(reverse("workplan:item", args=[2017, 1])).content.decode()

    meeting = _label(ActivityKind.MEETING.label)
    assert f'{meeting} <span class="tag">{RECENT_LIMIT + 5}</span>' in page
    assert f"最新 {RECENT_LIMIT} 条，共 {RECENT_LIMIT + 5} 条。" in page
    newest = item.pk * 1000 + RECENT_LIMIT + 4
    assert f"会议{newest}" in page and f"会议{newest - RECENT_LIMIT + 1}" in page
    assert f"会议{newest - RECENT_LIMIT}" not in page  # the oldest five wait in the full list
    assert '提案 <span class="tag">2</span>' in page
    assert '监督议题 <span class="tag">1</span>' in page
    # A member may not use the admin: no link to the full list.
    assert "items__id__exact" not in page and "查看全部" not in page


def test_the_office_follows_the_full_list_link_to_exactly_the_counted_records(client, staff_user):
    plan, (item, other) = _plan(2)
    _link_work(
        item, meetings=RECENT_LIMIT + 3, cancelled=2, proposals=3, drafts=2, reports=2, filed=1, topics=2
    )
    _link_work(other, meetings=4, proposals=1, reports=1, topics=1)
    client.force_login(staff_user)

    response = client.get(reverse("workplan:item", args=[2017, 1]))

    groups = {group.kind: group for group in response.context["linked"]}
    expected = {
        _label(ActivityKind.MEETING.label): RECENT_LIMIT + 3,
        "提案": 3,
        "社情民意信息": 2,
        "监督议题": 2,
    }
    assert {kind: group.count for kind, group in groups.items()} == expected
    for kind, count in expected.items():
        url = groups[kind].list_url
        assert url in response.content.decode().replace("&amp;", "&")
        changelist = client.get(url)
        assert changelist.status_code == 200, kind
        assert changelist.context["cl"].result_count == count, kind


def test_a_leader_gets_the_full_list_too(client, leader_user):
    plan, (item,) = _plan(1)
    _link_work(item, proposals=1)
    client.force_login(leader_user)

    response = client.get(reverse("workplan:item", args=[2017, 1]))

    (group,) = response.context["linked"]
    assert client.get(group.list_url).context["cl"].result_count == 1


# The base of every page (session, user, roles, unread count…), the plan's own reads and one grouped
# count per provider query (activities 1, proposals and reports 2, topics 1); the item page adds
# the newest records of each provider (1 + 2 + 1). None of it grows with the linked records.
PLAN_PAGE_QUERIES = 15  # 13 measured
ITEM_PAGE_QUERIES = 17  # 15 measured


@pytest.mark.parametrize("page", ["plan", "item"])
def test_the_pages_cost_the_same_queries_with_three_times_the_linked_records(
    client, staff_user, page, django_assert_max_num_queries
):
    plan, items = _plan(3)
    url = (
        reverse("workplan:plan", args=[2017]) if page == "plan" else reverse("workplan:item", args=[2017, 1])
    )
    budget = PLAN_PAGE_QUERIES if page == "plan" else ITEM_PAGE_QUERIES
    for item in items:
        _link_work(item, meetings=2, inspections=1, cancelled=1, proposals=1, drafts=1, reports=1, topics=1)
    client.force_login(staff_user)
    small = _queries(client, url)

    for item in items:
        _link_work(item, meetings=6, inspections=3, cancelled=3, proposals=3, drafts=3, reports=3, topics=3)

    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    assert _queries(client, url) == small
