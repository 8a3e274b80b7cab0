"""A leader opens the dashboard in real Chromium on demo-like data: a page of sensible height, every
year with data offered, and the same figures on the dashboard, the summary page and the Excel file."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cppcc_portal.celery import app as celery_app
from devdata import decade as bulk
from members.models import Activity
from proposals.models import OpinionReport, Proposal
from supervision.models import SupervisionTopic
from tests.factories import ActivityFactory
from workplan.models import WorkPlan

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROPOSALS = "提交的提案（不含草稿）"


def _years_with_data() -> list[int]:
    """Counted here the long way, to check the page's short way."""
    years = set(WorkPlan.objects.values_list("year", flat=True))
    years |= {
        timezone.localtime(start).year for start in Activity.objects.values_list("starts_at", flat=True)
    }
    for model in (Proposal, OpinionReport, SupervisionTopic):
        years |= set(model.objects.values_list("year", flat=True))
    return sorted(years, reverse=True)


def test_a_leader_takes_in_the_dashboard_at_a_glance_and_its_figures_agree_everywhere(
    open_browser, leader_user, monkeypatch
):
    bulk.build(last_year=2017, years=3, say=lambda message: None, scale=0.003)
    later = timezone.make_aware(dt.datetime(2019, 5, 6, 9))
    ActivityFactory(kind="meeting", starts_at=later, ends_at=later + dt.timedelta(hours=2))
    # The export is built by a worker; here the task runs in the request that queues it.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)

    visit = open_browser(user=leader_user)
    visit.go("/dashboard/?year=2017")
    page = visit.page
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, f"the dashboard is {height} px tall with its sections closed"
    options = [int(v) for v in page.eval_on_selector_all("#dash-year option", "els => els.map(e => e.value)")]
    assert options == _years_with_data()
    assert 2019 in options

    card = page.locator(".dash-kpi", has_text=PROPOSALS)
    on_dashboard = int(re.sub(r"\D", "", card.locator(".kpi").inner_text()))
    assert on_dashboard == Proposal.objects.filter(year=2017).exclude(state="draft").count()

    # A section opens on a click, without script, and shows its charts with their tables.
    assert not page.locator("#proposals table.dash-data").first.is_visible()
    page.click("#proposals > summary")
    assert page.locator("#proposals table.dash-data").first.is_visible()
    assert page.locator("#proposals svg.chart").first.is_visible()

    visit.go("/dashboard/summary/?year=2017")
    row = page.locator("table.dash-data tr", has_text=PROPOSALS)
    assert int(row.locator("td").first.inner_text()) == on_dashboard

    with page.expect_navigation():
        page.click("form[action$='/exports/new/'] button")
    with page.expect_download() as download:
        page.click("a[href$='/download/']")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    analysis = {r[0]: r[1] for r in book.worksheets[1].iter_rows(values_only=True) if r}
    assert analysis[PROPOSALS] == on_dashboard
    visit.assert_clean()
