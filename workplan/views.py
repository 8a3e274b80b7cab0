"""The plan pages: the whole year's plan, one item with its work, attachment downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cppcc_portal.core import roles
from cppcc_portal.core.caching import Fragment, cached_html
from cppcc_portal.core.errors import DomainError
from workplan import generation, selectors, services
from workplan.forms import ProgressUpdateForm
from workplan.links import item_links, link_counts


@login_required
def current(request):
    """The newest plan; before any import, a page that says so."""
    plan = selectors.plan_latest()
    if plan is None:
        return render(request, "workplan/no_plan.html", status=404)
    return redirect("workplan:plan", year=plan.year)


@login_required
def plan_page(request, year: int):
    article = _plan_article(year)
    if article is None:
        raise Http404(_("No work plan for this year."))
    return render(request, "workplan/plan.html", {"year": year, "article": article})


def _plan_article(year: int) -> str | None:
    """The whole plan as HTML (the same for every reader), cached until the plan or its links change.

    Overdue marks depend on the date, so the day is part of the key (see workplan.generation), and
    so is the committee in hand, each with its own plan, and the script prefix its links carry (an
    address naming the committee, /c/<slug>/). An unknown year is cached too (as ""), so asking for
    it again costs no query either.
    """
    today = timezone.localdate()
    key = f"plan-page:{get_script_prefix()}:{year}:{translation.get_language()}:{today.isoformat()}"
    article = cached_html(generation.PLAN, key, lambda: Fragment(_render_plan_article(year, today)))
    return article or None


def _render_plan_article(year: int, today) -> str:
    plan = selectors.plan_detail(year=year, today=today)
    if plan is None:
        return ""
    sections = list(plan.sections.all())
    item_ids = [item.pk for section in sections for item in section.items.all()]
    counts = link_counts(item_ids)
    for section in sections:
        for item in section.items.all():
            item.link_counts = counts.get(item.pk, {})
    return str(
        render_to_string(
            "workplan/_plan_article.html",
            {
                "plan": plan,
                "sections": sections,
                "years": selectors.plan_list().values_list("year", flat=True),
            },
        )
    )


@login_required
def item_page(request, year: int, number: int):
    item = selectors.item_detail(year=year, number=number)
    if item is None:
        raise Http404(_("No such item."))
    can_post = roles.is_staff_user(request.user)
    form = None
    if request.method == "POST":
        if not can_post:
            raise PermissionDenied
        form = ProgressUpdateForm(request.POST, request.FILES, item=item)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.progress_update_create(
                    actor=request.user,
                    item=item,
                    note=data["note"],
                    date=data["date"],
                    kind=data["kind"],
                    task=data["task"],
                    files=[data["attachment"]] if data["attachment"] else [],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The progress update was saved."))
                return redirect("workplan:item", year=year, number=number)
    elif can_post:
        form = ProgressUpdateForm(item=item)
    return render(
        request,
        "workplan/item.html",
        {
            "item": item,
            "plan": item.plan,
            "tasks": list(item.tasks.all()),
            "updates": list(item.progress_updates.all()),
            "timeline": selectors.task_timeline(task_ids=[t.pk for t in item.tasks.all()]),
            "linked": item_links(item.pk, request.user),
            "form": form,
            "can_download": roles.can_read_everything(request.user),
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
def attachment_download(request, pk: int):
    """Files on progress updates are office records: staff and leaders may download them."""
    if not roles.can_read_everything(request.user):
        raise PermissionDenied
    attachment = selectors.attachment_get(pk=pk)
    if attachment is None or not attachment.file:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
