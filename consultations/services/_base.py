"""What the consultation services share: validation and saving with an audit row, the topic's state table,
and the TopicEvent each step writes for the topic's printable timeline."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.choices import (
    OutcomeState,
    TopicState,
)
from consultations.models import ConsultationTopic, ResearchGroup, TopicEvent
from cppcc_portal.core.audit import diff, record_event, snapshot
from cppcc_portal.core.errors import DomainError, TransitionError
from members.choices import DutyRole
from members.services import duty_record_from_event

T = TopicState

# The one table of a topic's life: (from, to). Adoption comes with the year's plan.
TOPIC_TRANSITIONS = {
    (T.DRAFT, T.ADOPTED),
    (T.ADOPTED, T.HELD),
    (T.HELD, T.CONCLUDED),
    (T.DRAFT, T.WITHDRAWN),
    (T.ADOPTED, T.WITHDRAWN),
}
OS = OutcomeState
OUTCOME_TRANSITIONS = {(OS.DRAFT, OS.REVIEWED), (OS.REVIEWED, OS.SUBMITTED)}


def _today() -> dt.date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _validate(obj: models.Model, exclude=None) -> None:
    """full_clean, with the first failing field's message as a DomainError (a clear, named refusal)."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(
            "; ".join(messages), code="invalid", field=None if field == "__all__" else field
        ) from exc


def _save(
    obj: models.Model, *, actor, action: str, before: dict | None = None, fields=None, exclude=None
) -> None:
    _validate(obj, exclude=exclude)
    if obj.pk and fields:
        obj.save(update_fields=fields)
    else:
        obj.save()
    tracked = fields or [f.name for f in obj._meta.concrete_fields if f.name != "id"]
    record_event(actor=actor, action=action, obj=obj, changes=diff(before or {}, snapshot(obj, tracked)))


def _event(
    topic: ConsultationTopic, action: str, summary: str, *, actor, on: dt.date | None = None
) -> TopicEvent:
    return TopicEvent.objects.create(
        topic=topic, action=action, summary=summary[:300], occurred_on=on or _today(), actor=_user(actor)
    )


def _move_topic(topic: ConsultationTopic, to_state: str, *, actor, fields: tuple = ()) -> None:
    """Move a topic along its table; the row is locked so two steps at once cannot both pass."""
    current = ConsultationTopic.objects.select_for_update().values_list("state", flat=True).get(pk=topic.pk)
    if (current, to_state) not in TOPIC_TRANSITIONS:
        raise TransitionError(
            _("A topic cannot go from “%(current)s” to “%(requested)s”.")
            % {"current": T(current).label, "requested": T(to_state).label}
        )
    topic.state = to_state
    _save(
        topic,
        actor=actor,
        action=f"consultations.topic_{to_state}",
        before={"state": current},
        fields=["state", *fields],
    )


def _require_open_topic(topic: ConsultationTopic) -> None:
    if topic.state in (T.WITHDRAWN, T.CONCLUDED):
        raise TransitionError(
            _("Nothing more can be prepared for a topic that is “%(state)s”.")
            % {"state": topic.get_state_display()}
        )


def _credit(members_roles, *, kind: str, on: dt.date, title: str, source, topic, actor) -> None:
    item = topic.items.order_by("pk").first()
    for member, role in members_roles:
        duty_record_from_event(
            member=member,
            event_kind=kind,
            role=role,
            occurred_on=on,
            title=title,
            source=source,
            item=item,
            actor=actor,
        )


def _group_people(group: ResearchGroup) -> list:
    people = [(group.leader, DutyRole.LEAD)]
    people += [(m, DutyRole.PARTICIPANT) for m in group.members.all() if m.pk != group.leader_id]
    return people
