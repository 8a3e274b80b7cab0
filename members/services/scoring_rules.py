"""Scoring rules and the stored points of duty records (the rule itself is members.scoring)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from cppcc_portal.core import roles
from cppcc_portal.core.audit import diff, record_event, snapshot
from cppcc_portal.core.errors import PermissionDeniedError
from members import scoring
from members.choices import (
    MinimumMetric,
)
from members.models import (
    ScoringRule,
    YearlyMinimum,
)
from members.services._base import DEFAULT_MINIMUMS, DEFAULT_SCORING_RULES, _validate

# --- scoring -------------------------------------------------------------------------------------


@transaction.atomic
def scoring_rules_ensure_defaults(year: int, actor=None) -> int:
    """Seed the default scoring rules and yearly minimums of a year; existing rows are kept."""
    created = 0
    for kind, role, points, cap in DEFAULT_SCORING_RULES:
        _rule, was_created = ScoringRule.objects.get_or_create(
            year=year, event_kind=kind, role=role, defaults={"points": points, "yearly_cap": cap}
        )
        created += was_created
    for metric, minimum in DEFAULT_MINIMUMS.items():
        YearlyMinimum.objects.get_or_create(
            year=year, metric=MinimumMetric(metric), defaults={"minimum": minimum}
        )
    if created:
        scoring.refresh_record_points(year=year)
    return created


@transaction.atomic
def scoring_rule_save(*, rule: ScoringRule, actor) -> ScoringRule:
    """Create or change a scoring rule (the admin, including its editable list, comes here): the
    stored points of the records it covers are worked out again, so every page agrees with it."""
    if not roles.is_staff_user(actor):
        raise PermissionDeniedError(_("Only the office may change scoring rules."))
    created = rule.pk is None
    before = {} if created else snapshot(ScoringRule.objects.get(pk=rule.pk), _RULE_FIELDS)
    _validate(rule)
    rule.save()
    after = snapshot(rule, _RULE_FIELDS)
    record_event(
        actor=actor,
        action="members.scoring_rule.created" if created else "members.scoring_rule.changed",
        obj=rule,
        changes=diff(before, after),
    )
    scoring.refresh_record_points(year=rule.year, event_kind=rule.event_kind, role=rule.role)
    if not created and (before["year"], before["event_kind"], before["role"]) != (
        rule.year,
        rule.event_kind,
        rule.role,
    ):
        scoring.refresh_record_points(
            year=before["year"], event_kind=before["event_kind"], role=before["role"]
        )
    return rule


@transaction.atomic
def scoring_rule_delete(*, rule: ScoringRule, actor) -> None:
    """Remove a scoring rule: the records it covered are worth nothing until a rule covers them again."""
    if not roles.is_staff_user(actor):
        raise PermissionDeniedError(_("Only the office may change scoring rules."))
    key = {"year": rule.year, "event_kind": rule.event_kind, "role": rule.role}
    record_event(actor=actor, action="members.scoring_rule.deleted", obj=rule, note=str(rule))
    rule.delete()
    scoring.refresh_record_points(**key)


def duty_points_refresh(*, year: int | None = None) -> int:
    """Store every record's points again from the scoring rules (after a bulk insert of records)."""
    return scoring.refresh_record_points(**({"year": year} if year is not None else {}))


_RULE_FIELDS = ["year", "event_kind", "role", "points", "yearly_cap"]
