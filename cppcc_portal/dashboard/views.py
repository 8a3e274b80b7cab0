"""The leaders' dashboard pages: thin views that authorise, read the figures and render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.views.decorators.http import require_POST

from cppcc_portal.core import committees
from cppcc_portal.core.caching import Fragment, cached_html, digest
from cppcc_portal.dashboard import figures as year_figures
from cppcc_portal.dashboard import rollup as committee_rollup
from cppcc_portal.dashboard.choices import ExportState
from cppcc_portal.dashboard.permissions import dashboard_access
from cppcc_portal.dashboard.presenters import dashboard_context, trends_view
from cppcc_portal.dashboard.selectors import export_list, year_choices
from cppcc_portal.dashboard.services import export_request
from cppcc_portal.dashboard.summary import annual_summary
from cppcc_portal.dashboard.vocabulary import WORK_KIND_TITLES
from members import selectors as members_selectors

FIRST_YEAR, LAST_YEAR = 1990, 2100


def _year(request, default: int) -> int:
    """The year asked for in ?year=, else `default`; a year that is no number or out of range is a 404."""
    raw = request.GET.get("year", "")
    if not raw:
        return default
    try:
        year = int(raw)
    except ValueError:
        raise Http404("no such year") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("no such year")
    return year


@login_required
def ping(request):
    """The benchmark floor: a trivial page behind the same middleware and login as the others."""
    return HttpResponse("pong", content_type="text/plain")


@dashboard_access
def home(request):
    """The committee in hand's dashboard, from its stored figures (every committee has its own)."""
    return render(request, "dashboard/home.html", _dashboard_context(request))


def _dashboard_context(request, drill_committee=None) -> dict:
    """The dashboard of the committee in hand: its years, its stored figures, its rendered page."""
    years, default = year_choices()
    year = _year(request, default)
    computed = year_figures.computed_times([year, year - 1])
    years = sorted(set(years) | {year}, reverse=True)
    return {
        "content": _content(request, year, years, computed[year], computed[year - 1], drill_committee),
        "year": year,
    }


def _content(
    request, year: int, years: list[int], computed_at: dt.datetime, previous_at: dt.datetime, drill_committee
) -> str:
    """The page's own part, the year selector and the figures, charts and tables, as HTML: the same
    for every reader of the committee, so rendered once per stored figures, language, day (the
    overdue links count from today), committee and what the head shows (the years offered, the
    district drilled into), not on every view (200 KB of charts and tables). A refresh of any
    year's figures moves the `dashboard-page` family on (the trends show ten years); the two rows'
    times are in the key too, so a page that read its rows just before another process refreshed
    them caches under their old time, which no later reader asks for. The figures themselves are
    read only to render."""
    # The roll-up's links are the city's (the committee the leader works in, not one drilled into).
    in_city = request.committee.parent_id is None
    drilled = (
        None
        if drill_committee is None
        else (drill_committee.pk, drill_committee.name, drill_committee.parent_id)
    )
    key = "page:" + digest(
        year,
        years,
        translation.get_language(),
        timezone.localdate().isoformat(),
        computed_at.isoformat(),
        previous_at.isoformat(),
        in_city,
        drilled,
    )

    def render_page() -> Fragment:
        found = year_figures.stored_figures([year, year - 1])
        context = dashboard_context(found[year], found[year - 1], year)
        context["trends"] = trends_view(year_figures.stored_trends(last_year=year), year)
        context["year"] = year
        head = {
            "sections": render_to_string("dashboard/includes/sections.html", context),
            "year": year,
            "previous_year": year - 1,
            "years": years,
            "computed_at": computed_at,
            "drill_committee": drill_committee,
            "in_city": in_city,
        }
        return Fragment(str(render_to_string("dashboard/includes/page.html", head)))

    return cached_html(year_figures.PAGES, key, render_page)


@dashboard_access
def rollup(request):
    """The city's leaders and office: every district's key figures; a district's people: 404."""
    if request.committee.parent_id is not None:
        raise Http404("a district has no roll-up")
    years, default = year_choices()
    year = _year(request, default)
    return render(
        request,
        "dashboard/rollup.html",
        {
            **committee_rollup.rollup(committee=request.committee, year=year),
            "year": year,
            "years": sorted(set(years) | {year}, reverse=True),
        },
    )


@dashboard_access
def committee_home(request, slug: str):
    """One committee's dashboard, computed for it: the committee in hand's own, or one directly under it."""
    committee = committee_rollup.may_drill_into(committee_in_hand=request.committee, slug=slug)
    if committee is None:
        raise Http404("no such committee here")
    # The district's own dashboard, read in that committee (its stored figures, its trends); the
    # page around it (header, badges) stays the committee the leader works in.
    with committees.working_for(committee):
        context = _dashboard_context(request, drill_committee=committee)
    return render(request, "dashboard/home.html", context)


@dashboard_access
def member_duty_file(request, pk: int):
    """A member's duty file (履职档案), the members app's printable page, opened from the dashboard."""
    member = get_object_or_404(
        members_selectors.member_list(user=request.user).select_related("term", "sector", "party"), pk=pk
    )
    return render(request, "members/duty_file.html", members_selectors.member_duty_file(member=member))


@dashboard_access
def summary(request):
    years, default = year_choices()
    year = _year(request, default)
    summary = annual_summary(year)
    kinds = []
    if summary is not None:
        # Each kind of work under the title that says what is counted (the dashboard's and the
        # export's words), with the year's total and how many of those serve the plan.
        kinds = [
            {
                "title": WORK_KIND_TITLES[kind],
                "total": summary["totals"][kind],
                "linked": summary["linked"][kind],
            }
            for kind in summary["kinds"]
        ]
        for section in summary["sections"]:
            for item in section["items"]:
                item["work_list"] = [
                    {"title": WORK_KIND_TITLES[kind], **item["work"][kind]} for kind in summary["kinds"]
                ]
    return render(
        request,
        "dashboard/summary.html",
        {
            "year": year,
            "years": sorted(set(years) | {year}, reverse=True),
            "summary": summary,
            "kinds": kinds,
        },
    )


@require_POST
@dashboard_access
def export_create(request):
    year = _year(request, 0) if "year" in request.GET else None
    try:
        year = year or int(request.POST.get("year", ""))
    except ValueError:
        raise Http404("no such year") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("no such year")
    job = export_request(actor=request.user, year=year)
    return redirect("dashboard:export_detail", pk=job.pk)


@dashboard_access
def exports(request):
    return render(request, "dashboard/exports.html", {"jobs": export_list(user=request.user)[:20]})


@dashboard_access
def export_detail(request, pk: int):
    job = get_object_or_404(export_list(user=request.user), pk=pk)
    return render(
        request,
        "dashboard/export_detail.html",
        {"job": job, "refresh": job.state in (ExportState.QUEUED, ExportState.RUNNING)},
    )


@dashboard_access
def export_download(request, pk: int):
    job = get_object_or_404(export_list(user=request.user), pk=pk, state=ExportState.DONE)
    if not job.file:
        raise Http404("no file")
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=f"work-summary-{job.year}.xlsx")
