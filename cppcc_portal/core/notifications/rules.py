"""Reminder rules: each app declares its own in `<app>/reminders.py`; beat runs them on schedules.

A rule looks at the data and says which reminders should exist (`plan`). Running it writes them
with notify(), whose dedupe keys make a second or late run create nothing twice. Keys name the
recipient, the object, the offset and the date the reminder is about, so moving an object's date
plans new reminders while the old ones are cancelled (`replan`).
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from cppcc_portal.core import committees
from cppcc_portal.core.notifications.kinds import register_kind
from cppcc_portal.core.notifications.selectors import UNREAD_BADGE
from cppcc_portal.core.notifications.services import Text, cancel_pending, notify, released_key

logger = logging.getLogger(__name__)

SWEEP_TASK_NAME = "notifications: deliver due notifications"
AUDIT_SEAL_TASK_NAME = "audit: seal new rows into the hash chain"
RULE_TASK_PREFIX = "reminders: "


@dataclass
class Reminder:
    """One notification a rule wants to exist (not yet written)."""

    recipient: models.Model
    kind: str
    dedupe_key: str
    title: Text
    body: Text = ""
    link: str = ""
    about: models.Model | None = None
    due_at: datetime | None = None


@dataclass(frozen=True)
class Schedule:
    """A crontab in the committee's time zone (the default; staff change it in the admin)."""

    minute: str = "0"
    hour: str = "8"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"


class Rule(ABC):
    """A reminder rule: a name, the kinds it sends, a default schedule, and what it would send."""

    name: ClassVar[str]
    label: ClassVar[Text]
    kinds: ClassVar[dict[str, Text]] = {}
    schedule: ClassVar[Schedule] = Schedule()

    @abstractmethod
    def plan(self, now: datetime) -> Iterable[Reminder]:
        """Every reminder that should exist at `now` (those already written are skipped)."""

    def plan_for(self, obj: models.Model, now: datetime) -> Iterable[Reminder]:
        """The reminders about one object (used after it moved); none unless the rule says."""
        return ()


_rules: dict[str, Rule] = {}


def register(rule_class: type[Rule]) -> type[Rule]:
    """Class decorator: make a rule known to beat, the admin preview and the preference page."""
    _rules[rule_class.name] = rule_class()
    for code, label in rule_class.kinds.items():
        register_kind(code, label)
    return rule_class


def all_rules() -> list[Rule]:
    return [_rules[name] for name in sorted(_rules)]


def get_rule(name: str) -> Rule:
    return _rules[name]


def autodiscover() -> None:
    """Import every installed app's reminders module (they register their rules)."""
    autodiscover_modules("reminders")


def write(reminders: Iterable[Reminder]) -> int:
    """Write planned reminders to the outbox; the count of rows that did not exist yet."""
    created = 0
    for reminder in reminders:
        row = notify(
            recipient=reminder.recipient,
            kind=reminder.kind,
            dedupe_key=reminder.dedupe_key,
            title=reminder.title,
            body=reminder.body,
            link=reminder.link,
            about=reminder.about,
            due_at=reminder.due_at,
        )
        created += row is not None
    return created


def run_rule(name: str, *, now: datetime | None = None, committee=None) -> int:
    """Run one rule now for one committee (its beat entry), or for every committee in turn when
    none is given; returns how many notifications it created.

    The rule plans by each committee's own data and settings (its plan, its deadlines); pending
    reminders of the rule's kinds that the committee no longer plans (the task was done, the
    deadline moved, the reply came) are cancelled, so apps need no signal for every change. Run
    for one committee, it writes and withdraws only that committee's rows.
    """
    now = now or timezone.now()
    rule = get_rule(name)
    created = withdrawn = 0
    for each in committees.each_committee() if committee is None else [committee]:
        with committees.working_for(each) as in_hand:
            reminders = list(rule.plan(now))
            created += write(reminders)
            withdrawn += withdraw_unplanned(
                rule, {reminder.dedupe_key[:200] for reminder in reminders}, in_hand
            )
    logger.info("reminder rule %s created %s and withdrew %s notifications", name, created, withdrawn)
    return created


def withdraw_unplanned(rule: Rule, planned_keys: set[str], committee) -> int:
    """Cancel the committee's pending rows of the rule whose reminder is no longer wanted (and free
    their keys). Rows written before messages named their committee are the installation's own."""
    from cppcc_portal.core.models import Notification, NotificationState

    if not rule.kinds:
        return 0
    of_committee = models.Q(committee=committee)
    if committee.pk == committees.default_id():
        of_committee |= models.Q(committee__isnull=True)
    stale = (
        Notification.objects.filter(of_committee, state=NotificationState.PENDING, kind__in=list(rule.kinds))
        .exclude(dedupe_key__in=planned_keys)
        # Rows staff sent again by hand after a cancellation are theirs to keep.
        .exclude(dedupe_key__startswith="cancelled:")
    )
    withdrawn = stale.update(
        state=NotificationState.CANCELLED,
        dedupe_key=released_key(),
    )
    if withdrawn:
        # An UPDATE sends no signal: the header's unread counts are counted again.
        UNREAD_BADGE.changed()
    return withdrawn


def replan(rule_name: str, obj: models.Model, *, kind_prefix: str, now: datetime | None = None) -> int:
    """After an object moved: cancel its pending reminders and plan them for the new date."""
    now = now or timezone.now()
    cancel_pending(about=obj, kind_prefix=kind_prefix, release_keys=True)
    return write(get_rule(rule_name).plan_for(obj, now))


def preview(now: datetime | None = None) -> list[tuple[Rule, list[Reminder], set[str]]]:
    """What each rule would send today: its reminders due by the end of today, and which exist."""
    from cppcc_portal.core.models import Notification

    now = now or timezone.now()
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    previews = []
    for rule in all_rules():
        reminders = [r for r in rule.plan(now) if (r.due_at or now) <= end_of_day]
        keys = [r.dedupe_key[:200] for r in reminders]
        existing = set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
        previews.append((rule, reminders, existing))
    return previews


def ensure_schedules(using: str = "default", **kwargs) -> None:
    """Create the beat entries of the sweep, the backup and every rule once; later edits by staff stay."""
    from django.db import connections
    from django_celery_beat.models import PeriodicTask

    from cppcc_portal.core.backup_service import BACKUP_TASK_NAME

    if PeriodicTask._meta.db_table not in connections[using].introspection.table_names():
        return  # a partial migrate that has not reached django_celery_beat yet

    crontab = _crontab_of(using)

    entries = [
        (
            SWEEP_TASK_NAME,
            "cppcc_portal.core.tasks.sweep_due_notifications",
            [],
            Schedule(minute="*", hour="*"),
        ),
        (
            AUDIT_SEAL_TASK_NAME,
            "cppcc_portal.core.tasks.seal_audit_events",
            [],
            Schedule(minute="*", hour="*"),
        ),
    ]
    # Daily at 02:30; the task does nothing unless BACKUP_ENABLED (docs/backup.md).
    entries.append(
        (BACKUP_TASK_NAME, "cppcc_portal.core.tasks.make_backup", [], Schedule(minute="30", hour="2"))
    )
    for name, task, args, schedule in entries:
        if PeriodicTask.objects.using(using).filter(name=name).exists():
            continue
        PeriodicTask.objects.using(using).create(
            name=name, task=task, args=json.dumps(args), crontab=crontab(schedule), enabled=True
        )
    ensure_rule_schedules(using=using, crontab=crontab)


def _crontab_of(using: str):
    """A function giving the crontab row of a schedule (found, else created) in database `using`."""
    from django_celery_beat.models import CrontabSchedule

    def crontab(schedule: Schedule) -> CrontabSchedule:
        fields = {
            "minute": schedule.minute,
            "hour": schedule.hour,
            "day_of_week": schedule.day_of_week,
            "day_of_month": schedule.day_of_month,
            "month_of_year": schedule.month_of_year,
            "timezone": settings.CELERY_TIMEZONE,
        }
        found = CrontabSchedule.objects.using(using).filter(**fields).first()
        return found or CrontabSchedule.objects.using(using).create(**fields)

    return crontab


def rule_task_name(rule: Rule, committee) -> str:
    """A rule's beat entry for a committee: the installation's own keeps the plain name."""
    if committee.pk == committees.default_id():
        return RULE_TASK_PREFIX + rule.name
    return f"{RULE_TASK_PREFIX}{rule.name} · {committee.slug}"


def ensure_rule_schedules(*, using: str = "default", crontab=None, only=None) -> None:
    """Every committee's own beat entry for every rule (each committee's office may move its
    reminders to its own hours), created once; later edits stay. `only`: one new committee."""
    from django_celery_beat.models import PeriodicTask

    from cppcc_portal.core.models import Committee

    crontab = crontab or _crontab_of(using)
    for committee in [only] if only is not None else Committee.objects.using(using).order_by("pk"):
        for rule in all_rules():
            name = rule_task_name(rule, committee)
            kwargs = json.dumps({"committee_id": committee.pk})
            found = PeriodicTask.objects.using(using).filter(name=name)
            if found.exists():
                # An entry of the release before schedules were per committee ran for every
                # committee: it is the installation's own committee's now (its times stay).
                found.filter(kwargs__in=("{}", "")).update(kwargs=kwargs)
                continue
            PeriodicTask.objects.using(using).create(
                name=name,
                task="cppcc_portal.core.tasks.run_reminder_rule",
                args=json.dumps([rule.name]),
                kwargs=kwargs,
                crontab=crontab(rule.schedule),
                enabled=True,
            )


# Helpers the app rules share.


def hours_before(moment: datetime, hours: int) -> datetime:
    return moment - timedelta(hours=hours)


def latest_due_offsets(
    target: datetime, offsets: Iterable[int], now: datetime, unit: timedelta
) -> Iterator[int]:
    """The offsets (in `unit`s before `target`) still worth sending at `now`.

    Future ones all count; of those whose time has passed, only the nearest to the target is
    sent late (a training planned tomorrow gets the 24-hour reminder, not also the 72-hour one).
    """
    if target <= now:
        return
    offsets = sorted({offset for offset in offsets if offset > 0})
    past = [offset for offset in offsets if target - offset * unit <= now]
    for offset in offsets:
        if target - offset * unit > now or offset == (past[0] if past else None):
            yield offset


def office_staff() -> list:
    """The office's active staff accounts (who hears escalations)."""
    from cppcc_portal.core import roles

    return list(roles.active_users_with_role(roles.STAFF))


def days_before(
    due_on, offsets: Iterable[int], now: datetime, hour: int = 9
) -> Iterator[tuple[int, datetime]]:
    """(offset, when) for the reminders N days before a due date, at `hour` o'clock, still worth sending."""
    target = local_morning(due_on, hour)
    for offset in latest_due_offsets(target, offsets, now, timedelta(days=1)):
        yield offset, max(target - timedelta(days=offset), now)


def overdue_week(due_on, now: datetime) -> int | None:
    """0 on the first day after the due date and the six days after it, 1 the next week …; None if not late."""
    late_days = (timezone.localtime(now).date() - due_on).days - 1
    return None if late_days < 0 else late_days // 7


def link_to(url_name: str, *args, fallback: str = "") -> str:
    """The path of a named page, or `fallback` while the app that owns it has not mounted it."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return fallback


def local_morning(day, hour: int = 9) -> datetime:
    """A given date at `hour` o'clock in the committee's time zone."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))
