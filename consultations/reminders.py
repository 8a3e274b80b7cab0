"""Reminder rules of political consultation: the collection window, preparation tasks, feedback deadlines.

Every reminder is a row of the core outbox (rules.write through notify); dedupe keys name the
recipient, the object, the offset and the date, so a rerun writes nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consultations.choices import FeedbackState, TaskState
from consultations.models import CollectionWindow, ImplementationFeedback, PreparationTask
from cppcc_portal.core import committees
from cppcc_portal.core.notifications import rules
from cppcc_portal.core.notifications.kinds import register_kind
from members.choices import MemberStatus

# Kinds the services send directly; registered so people can choose them for e-mail.
register_kind("consultations.task_assigned", _("A consultation preparation task was given to you"))
register_kind(
    "consultations.feedback_requested", _("Implementation feedback on a consultation outcome was asked")
)

WINDOW_KIND = "consultations.collection_open"
WINDOW_CLOSING_KIND = "consultations.collection_closing"
TASK_DUE_KIND = "consultations.task_due"
FEEDBACK_DUE_KIND = "consultations.feedback_due"
OVERDUE_KIND = "consultations.overdue"
FEEDBACK_DAYS_BEFORE = (7, 1)
TASK_DAYS_BEFORE = (3, 1)
WINDOW_CLOSING_DAYS = 3


def _date(day):
    return date_format(day, "DATE_FORMAT")


@rules.register
class CollectionWindowNotices(rules.Rule):
    """Members hear when topic collection opens, and again three days before it closes."""

    name = "consultations.collection"
    label = _("Consultation topic collection, to members")
    kinds = {
        WINDOW_KIND: _("Consultation topics are being collected"),
        WINDOW_CLOSING_KIND: _("Consultation topic collection closes soon"),
    }
    schedule = rules.Schedule(minute="0", hour="9")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        today = timezone.localtime(now).date()
        windows = list(CollectionWindow.objects.filter(opens_on__lte=today, closes_on__gte=today))
        if not windows:
            return
        members = list(
            get_user_model()
            # The rule plans for each committee in turn: its own roster (one login may be on several).
            .objects.filter(
                is_active=True, member__status=MemberStatus.IN_OFFICE, member__tenant=committees.current()
            )
            .distinct()
            .only("pk", "username")
        )
        link = rules.link_to("consultations:propose", fallback="/portal/")
        for window in windows:
            closing = window.closes_on - dt.timedelta(days=WINDOW_CLOSING_DAYS)
            for user in members:
                yield rules.Reminder(
                    recipient=user,
                    kind=WINDOW_KIND,
                    dedupe_key=f"{WINDOW_KIND}:{window.pk}:{user.pk}",
                    title=format_lazy(_("Propose consultation topics: {title}"), title=window.title),
                    body=lambda window=window: (
                        gettext("Topics are collected until %(date)s.") % {"date": _date(window.closes_on)}
                    ),
                    link=link,
                    about=window,
                    due_at=now,
                )
                if today >= closing:
                    yield rules.Reminder(
                        recipient=user,
                        kind=WINDOW_CLOSING_KIND,
                        dedupe_key=f"{WINDOW_CLOSING_KIND}:{window.pk}:{user.pk}:{window.closes_on:%Y%m%d}",
                        title=format_lazy(
                            _("Topic collection closes on {date}"), date=window.closes_on.isoformat()
                        ),
                        link=link,
                        about=window,
                        due_at=now,
                    )


def _overdue(about, recipients, due_on, title, key: str, link_for, now) -> Iterator[rules.Reminder]:
    """Once late: again every week until it is done (督办)."""
    week = rules.overdue_week(due_on, now)
    if week is None:
        return
    for user in recipients:
        yield rules.Reminder(
            recipient=user,
            kind=OVERDUE_KIND,
            dedupe_key=f"{OVERDUE_KIND}:{key}:{user.pk}:w{week}:{due_on:%Y%m%d}",
            title=format_lazy(_("Overdue (督办): {title}"), title=title),
            body=lambda: gettext("It was due on %(date)s and is not done.") % {"date": _date(due_on)},
            link=link_for(user),
            about=about,
            due_at=now,
        )


@rules.register
class ConsultationDeadlines(rules.Rule):
    """Tasks to their member, feedback to the departments before it is due; late ones chased with the office."""

    name = "consultations.deadlines"
    label = _("Consultation tasks and implementation feedback deadlines")
    kinds = {
        TASK_DUE_KIND: _("A consultation task is due soon"),
        FEEDBACK_DUE_KIND: _("Implementation feedback is due soon"),
        OVERDUE_KIND: _("Consultation work overdue"),
    }
    schedule = rules.Schedule(minute="40", hour="9")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        today = timezone.localtime(now).date()
        office = rules.office_staff()
        tasks = PreparationTask.objects.filter(
            state=TaskState.OPEN,
            due_on__lte=today + dt.timedelta(days=max(TASK_DAYS_BEFORE)),
            assignee__isnull=False,
        ).select_related("assignee__user", "topic")
        for task in tasks:
            yield from self._task(task, now, office)
        feedback = (
            ImplementationFeedback.objects.filter(
                state=FeedbackState.REQUESTED,
                due_on__lte=today + dt.timedelta(days=max(FEEDBACK_DAYS_BEFORE)),
            )
            .select_related("unit", "recommendation__outcome")
            .prefetch_related("unit__accounts")
        )
        for row in feedback:
            yield from self._feedback(row, now, office)

    def _task(self, task: PreparationTask, now, office) -> Iterator[rules.Reminder]:
        user = task.assignee.user if task.assignee_id else None
        if user is None or not user.is_active:
            return
        link = rules.link_to("consultations:topic", task.topic_id, fallback="/portal/")
        for offset, when in rules.days_before(task.due_on, TASK_DAYS_BEFORE, now):
            yield rules.Reminder(
                recipient=user,
                kind=TASK_DUE_KIND,
                dedupe_key=f"{TASK_DUE_KIND}:{task.pk}:{offset}d:{task.due_on:%Y%m%d}",
                title=format_lazy(_("Task due soon: {task}"), task=task.description[:80]),
                body=lambda task=task: gettext("Due on %(date)s.") % {"date": _date(task.due_on)},
                link=link,
                about=task,
                due_at=when,
            )
        yield from _overdue(
            task, [user], task.due_on, task.description[:80], f"t{task.pk}", lambda u: link, now
        )

    def _feedback(self, row: ImplementationFeedback, now, office) -> Iterator[rules.Reminder]:
        unit_users = [u for u in row.unit.accounts.all() if u.is_active]
        unit_link = rules.link_to("consultations_units:detail", row.pk, fallback="/units/")
        office_link = rules.link_to(
            "consultations:topic", row.recommendation.outcome.topic_id, fallback="/portal/"
        )
        title = row.recommendation.outcome.title
        for offset, when in rules.days_before(row.due_on, FEEDBACK_DAYS_BEFORE, now):
            for user in unit_users:
                yield rules.Reminder(
                    recipient=user,
                    kind=FEEDBACK_DUE_KIND,
                    dedupe_key=f"{FEEDBACK_DUE_KIND}:{row.pk}:{user.pk}:{offset}d:{row.due_on:%Y%m%d}",
                    title=format_lazy(_("Feedback due soon: {title}"), title=title),
                    body=lambda row=row: (
                        gettext("Report on recommendation %(number)s by %(date)s.")
                        % {"number": row.recommendation.number, "date": _date(row.due_on)}
                    ),
                    link=unit_link,
                    about=row,
                    due_at=when,
                )
        yield from _overdue(
            row,
            unit_users + office,
            row.due_on,
            format_lazy(_("feedback of {unit} on {title}"), unit=row.unit.name, title=title),
            f"f{row.pk}",
            lambda user: unit_link if user in unit_users else office_link,
            now,
        )
