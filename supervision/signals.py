"""Signals democratic supervision sends, so other apps (dashboard, reminders) can react without imports."""

from django.dispatch import Signal

# Sent on commit after every workflow step of a recommendation.
# kwargs: recommendation, from_state, to_state, actor.
recommendation_transitioned = Signal()
