"""Every non-trivial read of the work plan. The plan is open to every signed-in user."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from cppcc_portal.core.models import AuditEvent
from workplan.choices import ItemStatus, TaskStatus
from workplan.models import Item, ProgressAttachment, ProgressUpdate, Section, Task, WorkPlan, overdue_q


def plan_list() -> QuerySet[WorkPlan]:
    return WorkPlan.objects.order_by("-year")


def plan_latest() -> WorkPlan | None:
    """The newest plan (the one the office works on), or None before any import."""
    return plan_list().first()


def plan_get(*, year: int) -> WorkPlan | None:
    """The plan of a year, or None."""
    return plan_list().filter(year=year).first()


def task_queryset() -> QuerySet[Task]:
    return Task.objects.select_related("owner", "item", "item__section", "item__plan")


def items_with_overdue(today: datetime.date | None = None) -> QuerySet[Item]:
    return Item.objects.annotate(
        overdue_count=Count("tasks", filter=overdue_q("tasks__", today), distinct=True),
        task_count=Count("tasks", distinct=True),
    )


def plan_detail(*, year: int, today: datetime.date | None = None) -> WorkPlan | None:
    """A plan with its sections, items (with overdue counts) and their tasks and owners: 4 queries."""
    tasks = Prefetch("tasks", queryset=Task.objects.select_related("owner").order_by("due_date", "id"))
    items = Prefetch(
        "items",
        queryset=items_with_overdue(today).prefetch_related(tasks).order_by("number"),
    )
    sections = Prefetch("sections", queryset=Section.objects.prefetch_related(items).order_by("number"))
    return WorkPlan.objects.prefetch_related(sections).filter(year=year).first()


def item_detail(*, year: int, number: int) -> Item | None:
    """One item with its section, tasks and owners, progress updates with authors and files."""
    updates = Prefetch(
        "progress_updates",
        queryset=ProgressUpdate.objects.select_related("author", "task").prefetch_related(
            Prefetch("attachments", queryset=ProgressAttachment.objects.order_by("id"))
        ),
    )
    tasks = Prefetch("tasks", queryset=Task.objects.select_related("owner").order_by("due_date", "id"))
    return (
        Item.objects.select_related("plan", "section")
        .prefetch_related(tasks, updates)
        .filter(plan__year=year, number=number)
        .first()
    )


def attachment_get(*, pk: int) -> ProgressAttachment | None:
    return ProgressAttachment.objects.select_related("update__item__plan").filter(pk=pk).first()


def overdue_tasks(*, year: int, today: datetime.date | None = None) -> QuerySet[Task]:
    """Tasks of the year's plan whose due date has passed and that are not done, oldest first."""
    return (
        task_queryset()
        .filter(item__plan__year=year)
        .overdue(today)
        .order_by("due_date", "item__number", "id")
    )


def plan_progress(*, year: int, today: datetime.date | None = None) -> dict | None:
    """The plan's progress for the dashboard: sections, items, statuses and overdue counts (3 queries)."""
    plan = plan_get(year=year)
    if plan is None:
        return None
    today = today or timezone.localdate()
    sections = list(Section.objects.filter(plan=plan).order_by("number"))
    items = list(items_with_overdue(today).filter(plan=plan).order_by("number"))
    by_section: dict[int, list[dict]] = {s.pk: [] for s in sections}
    status_counts = {status: 0 for status in ItemStatus.values}
    for item in items:
        status_counts[item.status] = status_counts.get(item.status, 0) + 1
        by_section[item.section_id].append(
            {
                "id": item.pk,
                "number": item.number,
                "title": item.title,
                "progress": float(item.progress),
                "status": item.status,
                "status_label": str(ItemStatus(item.status).label),
                "tasks": item.task_count,
                "overdue_tasks": item.overdue_count,
            }
        )
    return {
        "id": plan.pk,
        "year": plan.year,
        "title": plan.title,
        "document_number": plan.document_number,
        "progress": float(plan.progress),
        "overdue_tasks": sum(i.overdue_count for i in items),
        "items_by_status": status_counts,
        "sections": [
            {
                "id": s.pk,
                "number": s.number,
                "title": s.title,
                "progress": float(s.progress),
                "overdue_tasks": sum(i["overdue_tasks"] for i in by_section[s.pk]),
                "items": by_section[s.pk],
            }
            for s in sections
        ],
    }


def task_timeline(*, task_ids: list[int], limit: int = 50) -> list[dict]:
    """Status, due-date and progress changes of the given tasks, newest first, for the item page (1 query).

    "task.update" is a change made in the admin's task form: it belongs here as much as a status
    change made from the list."""
    if not task_ids:
        return []
    events = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Task),
            object_id__in=[str(pk) for pk in task_ids],
            action__in=["task.create", "task.update", "task.status", "task.due_date", "task.import"],
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    labels = dict(TaskStatus.choices)
    timeline = []
    for event in events:
        status = event.changes.get("status") or [None, None]
        due = event.changes.get("due_date") or [None, None]
        progress = event.changes.get("progress") or [None, None]
        timeline.append(
            {
                "at": event.created_at,
                "actor": event.actor,
                "task": event.object_repr,
                "action": event.action,
                "from_status": labels.get(status[0], "") if status[0] else "",
                "to_status": labels.get(status[1], "") if status[1] else "",
                "from_due": due[0] or "",
                "to_due": due[1] or "",
                "progress_changed": event.action != "task.create" and progress[0] != progress[1],
                "from_progress": progress[0],
                "to_progress": progress[1],
                "note": event.note,
            }
        )
    return timeline


# --- for the leaders' dashboard -------------------------------------------------------------------


def plan_years() -> set[int]:
    """The years that have a plan (one row a year: a plain read)."""
    return set(WorkPlan.objects.values_list("year", flat=True))


def stats_source_models() -> tuple[type, ...]:
    """The models `plan_progress` and `overdue_tasks` count: a write to one changes those figures."""
    return (WorkPlan, Section, Item, Task)
