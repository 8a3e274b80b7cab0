"""What the members services share: validation, duty-record transitions and their log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.workflow import Transition, Workflow
from members import selectors
from members.choices import (
    DutyEventKind,
    DutyRecordStatus,
    DutyRole,
)
from members.models import (
    DutyRecord,
    DutyRecordEvent,
)

# Members may check in from shortly before the start until the end of the activity.
CHECK_IN_OPENS_BEFORE = dt.timedelta(minutes=30)


def _reviewer(record, user) -> bool:
    return selectors.can_review_record(user, record)


def _owner(record, user) -> bool:
    own = selectors.member_for_user(user)
    return own is not None and own.pk == record.member_id


# The one transition table of a duty record's review, in core's shape (`core.workflow`). The
# services check who first, with their own messages; the predicates drive the buttons.
DUTY_RECORD_WORKFLOW = Workflow(
    labels=DutyRecordStatus,
    state_field="status",
    refusal=_lazy("A duty record cannot go from “%(current)s” to “%(requested)s”."),
    enforce_may=False,
    transitions=[
        Transition("verify", DutyRecordStatus.SUBMITTED, DutyRecordStatus.VERIFIED, may=_reviewer),
        Transition("reject", DutyRecordStatus.SUBMITTED, DutyRecordStatus.REJECTED, may=_reviewer),
        Transition("resubmit", DutyRecordStatus.REJECTED, DutyRecordStatus.SUBMITTED, may=_owner),
    ],
)
# status → the statuses it may move to.
DUTY_RECORD_TRANSITIONS = {
    status: set(DUTY_RECORD_WORKFLOW.targets(status)) for status in DutyRecordStatus.values
}


def allowed_actions(record: DutyRecord, user) -> list[str]:
    """What `user` may do to a duty record now (the review buttons)."""
    return DUTY_RECORD_WORKFLOW.allowed_actions(record, user)


# The office's default weights (DOMAIN.md, "Duty scoring"); each year's rules are data it edits.
DEFAULT_SCORING_RULES = [
    (DutyEventKind.PLENARY, DutyRole.PARTICIPANT, 5, None),
    (DutyEventKind.MEETING, DutyRole.PARTICIPANT, 5, None),
    (DutyEventKind.TRAINING, DutyRole.PARTICIPANT, 10, None),
    (DutyEventKind.PROPOSAL_ACCEPTED, DutyRole.LEAD, 15, None),
    (DutyEventKind.PROPOSAL_ACCEPTED, DutyRole.COSIGNER, 3, None),
    (DutyEventKind.PROPOSAL_KEY, DutyRole.LEAD, 15, None),
    (DutyEventKind.PROPOSAL_KEY, DutyRole.COSIGNER, 3, None),
    (DutyEventKind.PROPOSAL_EXCELLENT, DutyRole.LEAD, 10, None),
    (DutyEventKind.PROPOSAL_EXCELLENT, DutyRole.COSIGNER, 2, None),
    (DutyEventKind.REPORT_SUBMITTED, DutyRole.LEAD, 5, None),
    (DutyEventKind.REPORT_ADOPTED, DutyRole.LEAD, 10, None),
    (DutyEventKind.REPORT_INSTRUCTED, DutyRole.LEAD, 10, None),
    (DutyEventKind.SUPERVISION, DutyRole.LEAD, 5, None),
    (DutyEventKind.SUPERVISION, DutyRole.PARTICIPANT, 5, None),
    (DutyEventKind.SPEECH_ORAL, DutyRole.LEAD, 10, None),
    (DutyEventKind.SPEECH_WRITTEN, DutyRole.LEAD, 5, None),
    (DutyEventKind.SELF_REPORTED, DutyRole.PARTICIPANT, 2, 20),
    (DutyEventKind.CONSULTATION, DutyRole.PARTICIPANT, 3, None),
    (DutyEventKind.RESEARCH_REPORT, DutyRole.LEAD, 10, None),
    (DutyEventKind.RESEARCH_REPORT, DutyRole.PARTICIPANT, 5, None),
    (DutyEventKind.CONSULTATION_ADOPTED, DutyRole.LEAD, 10, None),
    (DutyEventKind.CONSULTATION_ADOPTED, DutyRole.PARTICIPANT, 3, None),
]
DEFAULT_MINIMUMS = selectors.DEFAULT_MINIMUMS


def _validate(obj: models.Model, exclude: Iterable[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=list(exclude or []))
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("; ".join(messages), code="invalid", field=field) from exc


def _source_key(source: models.Model) -> tuple[ContentType, int]:
    return ContentType.objects.get_for_model(source, for_concrete_model=False), source.pk


def _log_transition(record: DutyRecord, actor, from_status: str, to_status: str, note: str = "") -> None:
    DutyRecordEvent.objects.create(
        record=record,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_state=from_status,
        to_state=to_status,
        note=note[:300],
    )


def _transition(record: DutyRecord, to_status: str, *, actor=None) -> str:
    """Check the move against the table, set the new status and return the one it left."""
    action = DUTY_RECORD_WORKFLOW.action_for(record.status, to_status) or "move"
    return DUTY_RECORD_WORKFLOW.move(record, action, actor=actor, to_state=to_status)
