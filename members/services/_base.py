"""What the members services share: validation, duty-record transitions and their log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from cppcc_portal.core.errors import DomainError, TransitionError
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

# The one transition table of a duty record's review.
DUTY_RECORD_TRANSITIONS = {
    DutyRecordStatus.SUBMITTED: {DutyRecordStatus.VERIFIED, DutyRecordStatus.REJECTED},
    DutyRecordStatus.REJECTED: {DutyRecordStatus.SUBMITTED},
    DutyRecordStatus.VERIFIED: set(),
}

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
        from_status=from_status,
        to_status=to_status,
        note=note[:300],
    )


def _transition(record: DutyRecord, to_status: str) -> str:
    current = record.status
    if to_status not in DUTY_RECORD_TRANSITIONS[current]:
        raise TransitionError(
            _("A duty record cannot go from “%(current)s” to “%(requested)s”.")
            % {
                "current": DutyRecordStatus(current).label,
                "requested": DutyRecordStatus(to_status).label,
            }
        )
    return current
