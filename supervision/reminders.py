"""Reminder rules of democratic supervision: departments before answers and rectification are due, escalation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.notifications import rules
from cppcc_portal.core.notifications.kinds import register_kind
from supervision.choices import FINISHED_ITEM_STATUSES, RECTIFICATION_STATES, RecommendationState
from supervision.models import Recommendation, RectificationItem
from supervision.signals import recommendation_transitioned

# Kinds the services send directly; registered so people can choose them for e-mail.
register_kind("supervision.recommendation_sent", _("A supervision recommendation was sent to your unit"))
register_kind("supervision.recommendation_answered", _("A department answered a supervision recommendation"))

ANSWER_DUE_KIND = "supervision.answer_due"
ITEM_DUE_KIND = "supervision.rectification_due"
OVERDUE_KIND = "supervision.overdue"
DAYS_BEFORE = (7, 1)


def _date(day):
    return date_format(day, "DATE_FORMAT")


def _unit_users(recommendation: Recommendation) -> list:
    return [user for user in recommendation.unit.accounts.all() if user.is_active]


def _overdue(
    recommendation: Recommendation, due_on, what: str, key: str, now, office
) -> Iterator[rules.Reminder]:
    """Once late: the department and the office, again every week until it is done."""
    week = rules.overdue_week(due_on, now)
    if week is None:
        return
    unit_users = _unit_users(recommendation)
    for user in unit_users + office:
        link = (
            rules.link_to("supervision_units:detail", recommendation.pk, fallback="/units/")
            if user in unit_users
            else rules.link_to("supervision:recommendation", recommendation.pk, fallback="/portal/")
        )
        yield rules.Reminder(
            recipient=user,
            kind=OVERDUE_KIND,
            dedupe_key=f"{OVERDUE_KIND}:{key}:{user.pk}:w{week}:{due_on:%Y%m%d}",
            title=format_lazy(_("Overdue (督办): {title}"), title=recommendation.title),
            body=lambda: (
                gettext("%(what)s of %(unit)s was due on %(date)s and is not done.")
                % {"what": what, "unit": recommendation.unit.name, "date": _date(due_on)}
            ),
            link=link,
            about=recommendation,
            due_at=now,
        )


@rules.register
class RecommendationDeadlines(rules.Rule):
    """Departments hear 7 days and 1 day before an answer or a rectification item is due; the office when late."""

    name = "supervision.deadlines"
    label = _("Supervision answers and rectification deadlines, to departments and the office")
    kinds = {
        ANSWER_DUE_KIND: _("A supervision answer is due soon"),
        ITEM_DUE_KIND: _("A rectification item is due soon"),
        OVERDUE_KIND: _("Supervision work overdue"),
    }
    schedule = rules.Schedule(minute="30", hour="9")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        horizon = timezone.localtime(now).date() + dt.timedelta(days=max(DAYS_BEFORE))
        office = rules.office_staff()
        recommendations = (
            Recommendation.objects.filter(state__in=[RecommendationState.SENT, *RECTIFICATION_STATES])
            .select_related("unit")
            .prefetch_related("unit__accounts")
        )
        due_soon = recommendations.filter(state=RecommendationState.SENT, due_on__lte=horizon)
        for recommendation in due_soon:
            yield from self._answer(recommendation, now, office)
        items = (
            RectificationItem.objects.filter(
                recommendation__in=recommendations.filter(state__in=RECTIFICATION_STATES), due_on__lte=horizon
            )
            .exclude(status__in=FINISHED_ITEM_STATUSES)
            .select_related("recommendation__unit")
            .prefetch_related("recommendation__unit__accounts")
        )
        for item in items:
            yield from self._item(item, now, office)

    def plan_for(self, recommendation: Recommendation, now: dt.datetime) -> Iterator[rules.Reminder]:
        office = rules.office_staff()
        if recommendation.state == RecommendationState.SENT:
            yield from self._answer(recommendation, now, office)
        if recommendation.state in RECTIFICATION_STATES:
            for item in recommendation.items.exclude(status__in=FINISHED_ITEM_STATUSES):
                yield from self._item(item, now, office)

    def _answer(self, recommendation: Recommendation, now, office) -> Iterator[rules.Reminder]:
        due = recommendation.due_on
        link = rules.link_to("supervision_units:detail", recommendation.pk, fallback="/units/")
        for offset, when in rules.days_before(due, DAYS_BEFORE, now):
            for user in _unit_users(recommendation):
                yield rules.Reminder(
                    recipient=user,
                    kind=ANSWER_DUE_KIND,
                    dedupe_key=f"{ANSWER_DUE_KIND}:{recommendation.pk}:{user.pk}:{offset}d:{due:%Y%m%d}",
                    title=format_lazy(_("Answer due soon: {title}"), title=recommendation.title),
                    body=lambda: (
                        gettext("Your written answer to this recommendation is due on %(date)s.")
                        % {"date": _date(due)}
                    ),
                    link=link,
                    about=recommendation,
                    due_at=when,
                )
        yield from _overdue(recommendation, due, gettext("The answer"), f"r{recommendation.pk}", now, office)

    def _item(self, item: RectificationItem, now, office) -> Iterator[rules.Reminder]:
        recommendation, due = item.recommendation, item.due_on
        link = rules.link_to("supervision_units:detail", recommendation.pk, fallback="/units/")
        for offset, when in rules.days_before(due, DAYS_BEFORE, now):
            for user in _unit_users(recommendation):
                yield rules.Reminder(
                    recipient=user,
                    kind=ITEM_DUE_KIND,
                    dedupe_key=f"{ITEM_DUE_KIND}:{item.pk}:{user.pk}:{offset}d:{due:%Y%m%d}",
                    title=format_lazy(_("Rectification due soon: {item}"), item=item.description[:80]),
                    body=lambda: (
                        gettext("This rectification item is due on %(date)s.") % {"date": _date(due)}
                    ),
                    link=link,
                    about=recommendation,
                    due_at=when,
                )
        what = format_lazy(_("The rectification item “{item}”"), item=item.description[:80])
        yield from _overdue(recommendation, due, what, f"i{item.pk}", now, office)


@receiver(recommendation_transitioned, dispatch_uid="supervision.reminders.transitioned")
def _recommendation_moved(sender, recommendation: Recommendation, **kwargs) -> None:
    """An answer, a closing or a return: pending reminders that no longer fit go, new ones are planned."""
    with transaction.atomic():
        rules.replan(RecommendationDeadlines.name, recommendation, kind_prefix="supervision.")
