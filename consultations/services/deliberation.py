"""Writes of online deliberation (网络议政): opening, posts and replies, moderation, the summary."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from consultations.models import (
    ConsultationTopic,
    Discussion,
    Post,
)
from consultations.services._base import (
    _credit,
    _event,
    _require_open_topic,
    _save,
    _today,
    _user,
)
from cppcc_portal.core import roles
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from members.choices import DutyEventKind, DutyRole
from members.selectors import member_for_user

# --- online deliberation --------------------------------------------------------------------------


@transaction.atomic
def discussion_open(
    *, topic: ConsultationTopic, prompt: str, closes_on: dt.date, actor, on: dt.date | None = None
) -> Discussion:
    """Open the online deliberation (网络议政) of a topic until a date."""
    roles.require_staff(actor)
    _require_open_topic(topic)
    if hasattr(topic, "discussion"):
        raise DomainError(_("This topic already has an online deliberation."), code="exists")
    discussion = Discussion(topic=topic, prompt=prompt.strip(), closes_on=closes_on)
    _save(discussion, actor=actor, action="consultations.discussion_opened")
    _event(
        topic,
        "discussion",
        _("Online deliberation opened until %(date)s") % {"date": closes_on.isoformat()},
        actor=actor,
        on=on,
    )
    return discussion


@transaction.atomic
def post_add(
    *, discussion: Discussion, text: str, actor, parent: Post | None = None, today: dt.date | None = None
) -> Post:
    """A member posts in (or replies within) an open discussion; the first post counts as taking part."""
    member = member_for_user(actor)
    if member is None:
        raise PermissionDeniedError(_("Only members take part in the online deliberation."))
    if not discussion.is_open_on(today or _today()):
        raise DomainError(
            _("The discussion closed on %(date)s; no more posts are taken.")
            % {"date": discussion.closes_on.isoformat()},
            code="discussion_closed",
        )
    if not text.strip():
        raise DomainError(_("Write something before posting."), code="invalid", field="text")
    if parent is not None and (parent.discussion_id != discussion.pk or parent.is_hidden):
        raise DomainError(
            _("You can reply only to a visible post of this discussion."), code="invalid", field="parent"
        )
    post = Post(discussion=discussion, parent=parent, author=member, text=text.strip())
    _save(post, actor=actor, action="consultations.post_added")
    _credit(
        [(member, DutyRole.PARTICIPANT)],
        kind=DutyEventKind.CONSULTATION,
        on=today or _today(),
        title=discussion.topic.title,
        source=discussion,
        topic=discussion.topic,
        actor=None,
    )
    return post


@transaction.atomic
def post_hide(*, post: Post, reason: str, actor) -> Post:
    """The office hides a post from the discussion, saying why (the author still sees the reason)."""
    roles.require_staff(actor)
    if not reason.strip():
        raise DomainError(_("Say why the post is hidden."), code="reason_required", field="reason")
    if post.is_hidden:
        raise DomainError(_("This post is already hidden."), code="already_hidden")
    post.is_hidden = True
    post.hidden_reason = reason.strip()
    post.hidden_by = _user(actor)
    _save(
        post,
        actor=actor,
        action="consultations.post_hidden",
        before={"is_hidden": False},
        fields=["is_hidden", "hidden_reason", "hidden_by"],
    )
    return post


@transaction.atomic
def discussion_summarise(*, discussion: Discussion, summary: str, actor) -> Discussion:
    """Write the summary of the discussion that goes into the outcome."""
    roles.require_staff(actor)
    if not summary.strip():
        raise DomainError(_("Write the summary."), code="invalid", field="summary")
    discussion.summary = summary.strip()
    _save(discussion, actor=actor, action="consultations.discussion_summarised", fields=["summary"])
    _event(discussion.topic, "discussion_summary", _("Online deliberation summarised"), actor=actor)
    return discussion
