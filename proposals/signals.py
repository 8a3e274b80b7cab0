"""Signals other apps listen to (the reminders engineer follows proposal deadlines with these)."""

from django.dispatch import Signal

# Sent after the transaction commits, once per state change of a proposal.
# kwargs: proposal, from_state, to_state, actor
proposal_transitioned = Signal()

# Sent after the transaction commits, once per state change of a social-conditions report.
# kwargs: report, from_state, to_state, actor
report_transitioned = Signal()
