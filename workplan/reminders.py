"""Reminder rules of the work plan: task owners before and after a due date, the leaders' monthly digest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core import roles
from cppcc_portal.core.notifications import rules
from workplan.choices import TaskStatus
from workplan.models import Task, WorkPlan, overdue_q

TASK_DUE_KIND = "workplan.task_due"
TASK_OVERDUE_KIND = "workplan.task_overdue"
DIGEST_KIND = "workplan.monthly_digest"
# Task owners hear 7 and 1 days before the due date.
TASK_DAYS_BEFORE = (7, 1)


def _open_tasks():
    # Tasks belong to a committee through their plan: the committee in hand's only.
    return Task.objects.exclude(status__in=[TaskStatus.DONE, TaskStatus.SUSPENDED]).filter(
        owner__isnull=False, owner__is_active=True, due_date__isnull=False
    )


@rules.register
class TaskDueReminders(rules.Rule):
    """Task owners are reminded before a task is due, and once when it is overdue."""

    name = "workplan.task_due"
    label = _("Work-plan tasks due or overdue, to their owners")
    kinds = {
        TASK_DUE_KIND: _("A work-plan task is due soon"),
        TASK_OVERDUE_KIND: _("A work-plan task is overdue"),
    }
    schedule = rules.Schedule(minute="0", hour="8")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        today = timezone.localtime(now).date()
        horizon = today + dt.timedelta(days=max(TASK_DAYS_BEFORE))
        tasks = _open_tasks().filter(due_date__lte=horizon).select_related("owner__preference", "item")
        for task in tasks:
            yield from self.plan_for(task, now)

    def plan_for(self, task: Task, now: dt.datetime) -> Iterator[rules.Reminder]:
        today = timezone.localtime(now).date()
        if (
            task.owner is None
            or task.due_date is None
            or task.status in (TaskStatus.DONE, TaskStatus.SUSPENDED)
        ):
            return
        link = rules.link_to("workplan:item_detail", task.item_id, fallback="/plan/")

        def when():
            return date_format(task.due_date, "DATE_FORMAT")

        if task.due_date < today:
            yield rules.Reminder(
                recipient=task.owner,
                kind=TASK_OVERDUE_KIND,
                dedupe_key=f"{TASK_OVERDUE_KIND}:{task.pk}:{task.owner_id}:{task.due_date:%Y%m%d}",
                title=format_lazy(_("Overdue: {title}"), title=task.title),
                body=lambda: (
                    gettext("The task “%(title)s” was due on %(when)s and is not done.")
                    % {"title": task.title, "when": when()}
                ),
                link=link,
                about=task,
                due_at=now,
            )
            return
        due = timezone.make_aware(dt.datetime.combine(task.due_date, dt.time()))
        offsets = rules.latest_due_offsets(due, TASK_DAYS_BEFORE, now, dt.timedelta(days=1))
        for days in offsets:
            yield rules.Reminder(
                recipient=task.owner,
                kind=TASK_DUE_KIND,
                dedupe_key=f"{TASK_DUE_KIND}:{task.pk}:{task.owner_id}:{days}d:{task.due_date:%Y%m%d}",
                title=format_lazy(_("Due soon: {title}"), title=task.title),
                body=lambda: (
                    gettext("The task “%(title)s” is due on %(when)s.")
                    % {"title": task.title, "when": when()}
                ),
                link=link,
                about=task,
                due_at=max(rules.local_morning(task.due_date - dt.timedelta(days=days), 8), now),
            )


@rules.register
class MonthlyDigest(rules.Rule):
    """On the first of each month, leaders get the status of the current year's plan."""

    name = "workplan.monthly_digest"
    label = _("Monthly work-plan digest, to leaders")
    kinds = {DIGEST_KIND: _("Monthly work-plan digest")}
    schedule = rules.Schedule(minute="0", hour="8", day_of_month="1")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        today = timezone.localtime(now).date()
        plan = WorkPlan.objects.filter(year=today.year).first()
        if plan is None:
            return
        counts = Task.objects.filter(item__plan=plan).aggregate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=TaskStatus.DONE)),
            overdue=Count("pk", filter=overdue_q(today=today)),
        )
        items = plan.items.aggregate(total=Count("pk"), done=Count("pk", filter=Q(status="done")))
        leaders = roles.active_users_with_role(roles.LEADER)

        def body():
            return gettext(
                "Progress %(progress)s%%. Items done: %(items_done)s of %(items)s. "
                "Tasks done: %(done)s of %(total)s; overdue: %(overdue)s."
            ) % {
                "progress": plan.progress,
                "items_done": items["done"],
                "items": items["total"],
                **counts,
            }

        for leader in leaders:
            yield rules.Reminder(
                recipient=leader,
                kind=DIGEST_KIND,
                dedupe_key=f"{DIGEST_KIND}:{plan.pk}:{leader.pk}:{today:%Y%m}",
                title=format_lazy(
                    _("Work plan {year}: status in {month}"), year=plan.year, month=f"{today:%Y-%m}"
                ),
                body=body,
                link=rules.link_to("workplan:current", fallback="/plan/"),
                about=plan,
                due_at=now,
            )
