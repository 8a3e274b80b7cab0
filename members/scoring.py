"""Duty points (履职积分): the one place that decides what a duty record and a year's records are worth.

- A verified record is worth its scoring rule's points × its quantity (`record_points`, and the same
  in SQL, `record_points_sql`); a record with no rule for its year, kind and role, or not verified,
  is worth nothing (NULL). `DutyRecord.points` stores that value for the lists; whoever changes a
  scoring rule goes through `members.services.scoring_rule_save`/`scoring_rule_delete`, which call
  `refresh_record_points` so no stored value disagrees with the rule.
- A member's score for a year is, per rule, LEAST(sum of verified quantities × points, yearly cap),
  summed (`capped_points` in Python for one member's page, `capped_points_sql` for the ranking).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Least

from members.choices import DutyRecordStatus
from members.models import DutyRecord, ScoringRule


def rule_for(*, year: int, event_kind: str, role: str) -> ScoringRule | None:
    return ScoringRule.objects.filter(year=year, event_kind=event_kind, role=role).first()


def record_points(record: DutyRecord, rule: ScoringRule | None | bool = False) -> int | None:
    """What one record is worth: its rule's points × its quantity once verified, else None.

    `rule` may be given when the caller already read it (None: there is none); by default it is read."""
    if record.status != DutyRecordStatus.VERIFIED:
        return None
    if rule is False:
        rule = rule_for(year=record.year, event_kind=record.event_kind, role=record.role)
    return rule.points * record.quantity if rule is not None else None


def record_points_sql() -> Any:
    """`record_points` as an SQL expression over a DutyRecord row (for `update()` and annotations).

    The rules are the committee in hand's: each committee scores its members by its own rules."""
    rule_points = ScoringRule.objects.filter(
        year=OuterRef("year"), event_kind=OuterRef("event_kind"), role=OuterRef("role")
    ).values("points")[:1]
    return Subquery(rule_points, output_field=IntegerField()) * F("quantity")


def refresh_record_points(**filters) -> int:
    """Store `record_points` on the committee in hand's records matching `filters` (every one when
    none), in two UPDATEs; returns how many verified records were rewritten."""
    records = DutyRecord.objects.filter(**filters)
    written = records.filter(status=DutyRecordStatus.VERIFIED).update(points=record_points_sql())
    records.exclude(status=DutyRecordStatus.VERIFIED).filter(points__isnull=False).update(points=None)
    return written


def capped_points(rule: ScoringRule, quantity: int) -> int:
    """A year's points under one rule: LEAST(quantity × points, cap)."""
    points = quantity * rule.points
    return min(points, rule.yearly_cap) if rule.yearly_cap is not None else points


def capped_points_sql(rule: ScoringRule, quantity: Any) -> Any:
    """`capped_points` as SQL, `quantity` being an expression (the ranking's sum per member)."""
    points = quantity * Value(rule.points)
    if rule.yearly_cap is not None:
        points = Least(points, Value(rule.yearly_cap), output_field=IntegerField())
    return points
