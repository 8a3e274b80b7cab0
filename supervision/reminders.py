"""Reminder rules of democratic supervision: answers coming due, overdue answers chased and escalated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core import roles
from cppcc_portal.core.notifications import rules
from cppcc_portal.core.notifications.kinds import register_kind
from supervision.choices import RecommendationState
from supervision.models import Recommendation
from supervision.selectors import rectification_items_overdue

# Kinds the services send directly; registered so people can choose them for e-mail.
register_kind("supervision.recommendation_sent", _("A supervision recommendation was sent to your unit"))
register_kind("supervision.recommendation_answered", _("A department answered a supervision recommendation"))

DUE_KIND = "supervision.answer_due"
OVERDUE_KIND = "supervision.answer_overdue"
ESCALATION_KIND = "supervision.answer_escalated"
ITEM_OVERDUE_KIND = "supervision.item_overdue"
DAYS_BEFORE = 3
# An answer this many days late goes to the office as well as the unit (督办升级).
ESCALATE_AFTER_DAYS = 14


def _accounts(unit):
    return [a for a in unit.accounts.all() if a.is_active]


@rules.register
class SupervisionDeadlines(rules.Rule):
    """Units are reminded before an answer is due, chased weekly once late; the office hears after two weeks."""

    name = "supervision.deadlines"
    label = _("Supervision recommendation deadlines")
    kinds = {
        DUE_KIND: _("A supervision answer is due soon"),
        OVERDUE_KIND: _("A supervision answer is overdue"),
        ESCALATION_KIND: _("A supervision answer is long overdue (to the office)"),
        ITEM_OVERDUE_KIND: _("A rectification item is overdue"),
    }
    schedule = rules.Schedule(minute="15", hour="8")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        today = timezone.localdate(now)
        User = get_user_model()
        office = list(
            User.objects.filter(groups__name=roles.GROUP_NAMES[roles.STAFF], is_active=True).distinct()
        )
        sent = (
            Recommendation.objects.filter(
                state=RecommendationState.SENT, due_on__lte=today + dt.timedelta(DAYS_BEFORE)
            )
            .select_related("unit")
            .prefetch_related(Prefetch("unit__accounts", queryset=User.objects.all()))
        )
        for rec in sent:
            yield from self._about_answer(rec, today, office, now)
        for item in rectification_items_overdue(on=today).prefetch_related("recommendation__unit__accounts"):
            rec = item.recommendation
            for account in _accounts(rec.unit):
                yield rules.Reminder(
                    recipient=account,
                    kind=ITEM_OVERDUE_KIND,
                    dedupe_key=f"supervision:item-overdue:{item.pk}:{account.pk}:{item.due_on}",
                    title=format_lazy(_("Rectification item overdue: {}"), item.description),
                    link=reverse("supervision_units:detail", args=[rec.pk]),
                    about=rec,
                    due_at=now,
                )

    def _about_answer(
        self, rec: Recommendation, today: dt.date, office: list, now
    ) -> Iterator[rules.Reminder]:
        link = reverse("supervision_units:detail", args=[rec.pk])
        late_days = (today - rec.due_on).days
        for account in _accounts(rec.unit):
            if late_days <= 0:
                yield rules.Reminder(
                    recipient=account,
                    kind=DUE_KIND,
                    dedupe_key=f"supervision:due:{rec.pk}:{account.pk}:{rec.due_on}",
                    title=format_lazy(_("Answer due on {}: {}"), rec.due_on.isoformat(), rec.title),
                    link=link,
                    about=rec,
                    due_at=now,
                )
            else:
                # One chase a week while late: the key names the week of lateness.
                yield rules.Reminder(
                    recipient=account,
                    kind=OVERDUE_KIND,
                    dedupe_key=f"supervision:overdue:{rec.pk}:{account.pk}:{rec.due_on}:w{late_days // 7}",
                    title=format_lazy(_("Answer overdue since {}: {}"), rec.due_on.isoformat(), rec.title),
                    link=link,
                    about=rec,
                    due_at=now,
                )
        if late_days >= ESCALATE_AFTER_DAYS:
            for person in office:
                yield rules.Reminder(
                    recipient=person,
                    kind=ESCALATION_KIND,
                    dedupe_key=f"supervision:escalated:{rec.pk}:{person.pk}:{rec.due_on}",
                    title=format_lazy(
                        _("{} has not answered for {} days: {}"), rec.unit.name, late_days, rec.title
                    ),
                    link=reverse("supervision:recommendation", args=[rec.pk]),
                    about=rec,
                    due_at=now,
                )
