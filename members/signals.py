"""Signals the members app sends so higher apps (reminders, notifications) can react without imports."""

from django.dispatch import Signal

# Sent on commit when an activity's start time changes; kwargs: activity, old_starts_at.
activity_rescheduled = Signal()

# Sent on commit when an activity is cancelled; kwargs: activity.
activity_cancelled = Signal()
