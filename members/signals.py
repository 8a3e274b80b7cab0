"""Signals the members app sends so higher apps (reminders, notifications) can react without imports."""

from django.dispatch import Signal

# Sent on commit when an activity's start time changes; kwargs: activity, old_starts_at.
activity_rescheduled = Signal()

# Sent on commit when an activity is cancelled; kwargs: activity.
activity_cancelled = Signal()

# Sent when participations are written in bulk, which sends no per-row signal (an invitation of
# many members, an attendance import with its duty records, the demo data): what is kept of
# participations (the members' reader pages, the meetings' rendered pages) moves on. Sent inside
# the writing transaction; kwargs: none.
participations_written = Signal()
