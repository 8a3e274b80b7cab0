"""What a leader sees on /dashboard/ and /dashboard/summary/: every year with data, one definition
per figure (the same number on the dashboard, the summary and the Excel export), a summary first
with sections that open, and charts drawn at one scale with their figures beside them."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from cppcc_portal.dashboard.charts import CHART_WIDTH, Mark, StackedRow, hbar_chart, stacked_bar_chart
from cppcc_portal.dashboard.workbook import annual_summary_workbook
from proposals.models import Proposal
from tests.conftest import login
from tests.dashboard.fixtures import YEAR, at, small_district
from tests.factories import ActivityFactory, ItemFactory

pytestmark = pytest.mark.django_db

NOW = "2017-06-30 10:00 +0800"


@pytest.fixture
def district():
    with time_machine.travel(NOW, tick=False):
        yield small_district()


def _proposal(year: int, state: str, items=(), title: str = "关于停车的提案") -> Proposal:
    """Another proposal by the small district's proposer, in its category."""
    like = Proposal.objects.order_by("pk").first()
    proposal = Proposal.objects.create(
        year=year,
        title=title,
        reason="现状",
        suggestions="建议",
        state=state,
        submitter=like.submitter,
        category=like.category,
    )
    proposal.items.set(items)
    return proposal


def _home(client, **params) -> str:
    return client.get(reverse("dashboard:home"), params).content.decode()


def _year_options(page: str, select_id: str) -> list[int]:
    select = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [int(year) for year in re.findall(r'<option value="(\d+)"', select)]


@time_machine.travel(NOW, tick=False)
def test_the_year_selector_offers_every_year_with_data_not_only_plan_years(client, leader_user, district):
    ActivityFactory(kind="meeting", starts_at=at(3, 1, 2020), ends_at=at(3, 1, 2020) + dt.timedelta(hours=2))
    _proposal(2019, "submitted")
    login(client, leader_user)
    # The small district has a plan in 2017 and an activity in 2016; no year between 2017 and 2019.
    assert _year_options(_home(client), "dash-year") == [2020, 2019, 2017, 2016]
    summary = client.get(reverse("dashboard:summary")).content.decode()
    assert _year_options(summary, "summary-year") == [2020, 2019, 2017, 2016]
    # Without ?year= the page still opens on the plan year the office works on.
    assert "2017" in re.search(r"<h1>(.*?)</h1>", _home(client)).group(1)


def _kpi(page: str, label: str) -> int:
    found = re.search(
        rf'<div class="muted">{re.escape(label)}</div>\s*<div class="kpi">(?:<a [^>]*>)?(\d+)', page
    )
    assert found, f"no figure labelled {label}"
    return int(found.group(1))


@time_machine.travel(NOW, tick=False)
def test_proposals_are_one_figure_on_the_dashboard_the_summary_and_the_excel_export(
    client, leader_user, district
):
    first, second = (
        district["done_item"],
        ItemFactory(plan=district["plan"], section=district["done_item"].section, number=4),
    )
    # Submitted: the small district's 3 (not linked), 2 linked to one item, 1 serving two items;
    # a draft linked to an item does not count anywhere.
    _proposal(YEAR, "submitted", [first])
    _proposal(YEAR, "accepted", [second])
    _proposal(YEAR, "handling", [first, second])
    _proposal(YEAR, "draft", [first])
    submitted = 6
    login(client, leader_user)
    label = "提交的提案（不含草稿）"

    assert _kpi(_home(client, year=YEAR), label) == submitted

    summary = client.get(reverse("dashboard:summary"), {"year": YEAR}).content.decode()
    row = re.search(
        rf"<th scope=\"row\">{re.escape(label)}</th><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>",
        summary,
    )
    assert row, "the summary names the proposals figure as the dashboard does"
    assert (int(row.group(1)), int(row.group(2))) == (submitted, 3)  # 3 proposals serve the plan

    sheets = load_workbook(io.BytesIO(annual_summary_workbook(YEAR)))
    analysis = {row[0]: row[1] for row in sheets.worksheets[1].iter_rows(values_only=True) if row}
    assert analysis[label] == submitted
    work = list(sheets.worksheets[0].iter_rows(values_only=True))
    header = next(r for r in work if r and label in r)
    column = header.index(label)
    totals = {r[0]: r[column] for r in work if r and r[0] in ("服务工作要点（每项只计一次）", "本年合计")}
    assert totals == {"服务工作要点（每项只计一次）": 3, "本年合计": submitted}


@time_machine.travel(NOW, tick=False)
def test_a_leader_sees_a_summary_first_and_sections_that_open_without_script(client, leader_user, district):
    login(client, leader_user)
    page = _home(client, year=YEAR)
    content = page[page.index("<h1>") :]
    assert content.index('id="summary"') < content.index("<details")
    sections = re.findall(r'<details class="card dash-section" id="(\w+)">', page)
    assert sections[:3] == ["plan", "activities", "participation"]
    assert "<script" not in content.split("</main>")[0]
    # No figure twice: the summary's figures leave their sections.
    assert page.count('<div class="muted">提交的提案（不含草稿）</div>') == 1


@time_machine.travel(NOW, tick=False)
def test_every_chart_has_one_width_and_a_table_of_its_figures_beside_it(client, leader_user, district):
    login(client, leader_user)
    page = _home(client, year=YEAR)
    widths = set(re.findall(r'<svg class="chart (?!ring)[^"]*" viewBox="0 0 (\d+)', page))
    assert widths == {str(CHART_WIDTH)}
    figures = re.findall(r'<div class="dash-figure">(.*?)</table></div>', page, re.S)
    assert len(figures) >= 5
    for figure in figures:
        values = re.findall(r'<text x="[^"]+" y="[^"]+" text-anchor="middle">(\d+)</text>', figure)
        table = re.findall(r'<td class="num">([^<]*)</td>', figure)
        row_labels = re.findall(r'<th scope="row">(?:<a [^>]*>)?([^<]*)<', figure)
        assert set(values) <= set(table) | set(row_labels)
    # Activities by month: each month's count is in the chart and in the table.
    months = re.search(r"<figcaption>按月份</figcaption>.*?</table>", page, re.S).group(0)
    assert re.search(r'<th scope="row"><a [^>]*>6月</a></th><td class="num">2</td>', months)


@time_machine.travel(NOW, tick=False)
def test_the_section_rows_of_the_plan_table_put_each_figure_under_its_own_column(
    client, leader_user, district
):
    login(client, leader_user)
    page = _home(client, year=YEAR)
    row = re.search(r'<tr class="dash-section">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<t[hd]([^>]*)>(.*?)</t[hd]>", row, re.S)
    # Item (two columns: item and status), progress, tasks, overdue: the percentage sits under progress.
    assert 'colspan="2"' in cells[0][0]
    assert len(cells) == 4
    assert "%" in cells[1][1] and "colspan" not in "".join(attrs for attrs, _ in cells[1:])
    assert (cells[2][1].strip(), cells[3][1].strip()) == ("2", "1")


def test_long_labels_wrap_onto_lines_and_are_never_cut_off():
    name = "中国人民政治协商会议北京市东城区委员会"
    svg = str(hbar_chart([Mark(name, 3), Mark("经济界", 1)], label="界别"))
    assert "…" not in svg
    assert "".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)).startswith(name)
    stacked = str(
        stacked_bar_chart([StackedRow(name, [Mark("出席", 3), Mark("请假", 1)])], label="出勤", percent=True)
    )
    assert "…" not in stacked and "75%" in stacked


def test_ten_year_trends_have_axis_ticks_and_a_value_at_every_point():
    from cppcc_portal.dashboard.presenters import trends_view

    views = trends_view({"proposals": [(2015, 120), (2016, 180), (2017, 200)]}, 2017)
    chart = str(views[0]["chart"])
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart)
    for value in ("120", "180", "200", "2015", "2016", "2017"):
        assert value in texts
    assert "0" in texts and "100" in texts  # the y axis from 0 to a round top, with a middle tick
