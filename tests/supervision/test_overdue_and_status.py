"""Overdue detection on known dates, the status page and its export, and their query counts."""

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from supervision import selectors
from supervision.choices import ItemStatus, RecommendationState
from tests.factories import HandlingUnitFactory
from tests.supervision.factories import ItemFactory, RecommendationFactory, TopicFactory

pytestmark = pytest.mark.django_db

S = RecommendationState


def test_an_answer_is_overdue_only_after_its_due_date(unit):
    rec = RecommendationFactory(unit=unit, state=S.SENT, due_on=dt.date(2017, 6, 30))
    RecommendationFactory(unit=unit, state=S.ANSWERED, due_on=dt.date(2017, 6, 30))
    RecommendationFactory(unit=unit, state=S.DRAFT, due_on=dt.date(2017, 6, 30))
    assert list(selectors.recommendations_overdue(on=dt.date(2017, 6, 30))) == []
    assert list(selectors.recommendations_overdue(on=dt.date(2017, 7, 1))) == [rec]


def test_a_rectification_item_is_overdue_until_it_is_done_or_accepted(unit):
    rec = RecommendationFactory(unit=unit, state=S.RECTIFYING)
    late = ItemFactory(recommendation=rec, due_on=dt.date(2017, 9, 30), status=ItemStatus.IN_PROGRESS)
    ItemFactory(recommendation=rec, due_on=dt.date(2017, 9, 30), status=ItemStatus.DONE, percent=100)
    ItemFactory(
        recommendation=rec,
        due_on=dt.date(2017, 9, 30),
        status=ItemStatus.NOT_FEASIBLE,
        not_feasible_reason="规划取消",
    )
    assert list(selectors.rectification_items_overdue(on=dt.date(2017, 9, 30))) == []
    assert list(selectors.rectification_items_overdue(on=dt.date(2017, 10, 1))) == [late]


def test_the_status_page_shows_overdue_as_the_calendar_moves(client, leader_user, unit):
    RecommendationFactory(unit=unit, state=S.SENT, due_on=dt.date(2017, 6, 30), title="关于养老驿站的意见")
    client.force_login(leader_user)
    with time_machine.travel(dt.datetime(2017, 6, 25, 9, tzinfo=dt.UTC), tick=False):
        before = client.get(reverse("supervision:status"), {"year": 2017})
        assert before.context["stats"]["totals"]["due_soon"] == 1
        assert before.context["stats"]["totals"]["overdue"] == 0
        assert "关于养老驿站的意见" not in before.content.decode()
    with time_machine.travel(dt.datetime(2017, 7, 2, 9, tzinfo=dt.UTC), tick=False):
        after = client.get(reverse("supervision:status"), {"year": 2017})
        assert after.context["stats"]["totals"]["overdue"] == 1
        assert "关于养老驿站的意见" in after.content.decode()


def test_supervision_stats_counts_by_department_and_topic():
    pension = TopicFactory(title="居家养老")
    civil, finance = HandlingUnitFactory(name="区民政局"), HandlingUnitFactory(name="区财政局")
    RecommendationFactory(topic=pension, unit=civil, state=S.SENT, due_on=dt.date(2017, 5, 1))
    RecommendationFactory(topic=pension, unit=civil, state=S.CLOSED)
    rectifying = RecommendationFactory(unit=finance, state=S.RECTIFYING)
    ItemFactory(recommendation=rectifying, due_on=dt.date(2017, 8, 1))
    RecommendationFactory(unit=finance, state=S.DRAFT)

    stats = selectors.supervision_stats(year=2017, on=dt.date(2017, 9, 1))

    assert stats["totals"]["total"] == 3
    assert stats["totals"]["open"] == 2
    assert stats["totals"]["overdue"] == 2
    assert stats["totals"]["rectified"] == 1
    civil_row = next(r for r in stats["by_unit"] if r["name"] == "区民政局")
    assert (civil_row["overdue_answer"], civil_row["rectified"]) == (1, 1)
    pension_row = next(r for r in stats["by_topic"] if r["title"] == "居家养老")
    assert pension_row["total"] == 2
    assert selectors.supervision_stats(year=2018)["totals"]["total"] == 0


def test_the_status_exports_to_excel(client, staff_user, unit):
    RecommendationFactory(unit=unit, state=S.SENT, due_on=dt.date(2017, 5, 1), title="逾期未答复的意见")
    client.force_login(staff_user)
    response = client.get(reverse("supervision:status_export"), {"year": 2017})
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["按部门", "按议题", "超期"]
    units = [row[0] for row in workbook["按部门"].iter_rows(min_row=2, values_only=True)]
    assert "区民政局" in units
    overdue = [row[2] for row in workbook["超期"].iter_rows(min_row=2, values_only=True)]
    assert overdue == ["逾期未答复的意见"]


def test_a_member_cannot_open_the_status_page(client, member_user):
    client.force_login(member_user)
    assert client.get(reverse("supervision:status")).status_code == 403


def _build(n: int, unit):
    for i in range(n):
        topic = TopicFactory()
        rec = RecommendationFactory(topic=topic, unit=unit, state=S.SENT if i % 2 else S.RECTIFYING)
        RecommendationFactory(topic=topic, unit=HandlingUnitFactory(), state=S.SENT)
        ItemFactory(recommendation=rec)
        ItemFactory(recommendation=rec, status=ItemStatus.DONE, percent=100)


@pytest.mark.parametrize("n", [3, 9])
def test_the_status_page_costs_the_same_whatever_the_data(
    client, staff_user, unit, n, django_assert_max_num_queries
):
    _build(n, unit)
    client.force_login(staff_user)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("supervision:status"), {"year": 2017})
    assert response.status_code == 200
    assert len(response.context["stats"]["by_topic"]) == n


@pytest.mark.parametrize("n", [3, 9])
def test_the_unit_list_costs_the_same_whatever_the_data(
    client, unit_user, unit, n, django_assert_max_num_queries
):
    _build(n, unit)
    client.force_login(unit_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("supervision_units:list"))
    assert response.status_code == 200
    assert len(response.context["recommendations"]) == n


@pytest.mark.parametrize("n", [3, 9])
def test_a_unit_recommendation_page_costs_the_same_whatever_its_items(
    client, unit_user, unit, n, django_assert_max_num_queries
):
    rec = RecommendationFactory(unit=unit, state=S.RECTIFYING)
    for _ in range(n):
        ItemFactory(recommendation=rec)
    client.force_login(unit_user)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("supervision_units:detail", args=[rec.pk])).status_code == 200


def test_a_unit_sees_its_answer_marked_overdue_the_day_after_it_was_due_and_not_before(
    client, unit_user, unit
):
    RecommendationFactory(unit=unit, state=S.SENT, due_on=dt.date(2017, 6, 30), title="关于养老驿站的意见")
    client.force_login(unit_user)
    with time_machine.travel(dt.datetime(2017, 6, 30, 9, tzinfo=dt.UTC), tick=False):
        on_the_day = client.get(reverse("supervision_units:list")).content.decode()
    with time_machine.travel(dt.datetime(2017, 7, 1, 9, tzinfo=dt.UTC), tick=False):
        the_day_after = client.get(reverse("supervision_units:list")).content.decode()
    assert "关于养老驿站的意见" in on_the_day
    # The badge says 已超期 (the portal's one word for "overdue", in every app's catalogue).
    assert "已超期" not in on_the_day
    assert "已超期" in the_day_after
