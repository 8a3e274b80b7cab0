"""Vocabularies of democratic supervision: topic sources, appointment posts, workflow states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.choices import ActivityKind

# Field work that counts as supervision (DOMAIN.md: inspection, hearing, survey).
SUPERVISION_ACTIVITY_KINDS = (ActivityKind.INSPECTION, ActivityKind.HEARING, ActivityKind.RESEARCH)


class TopicSource(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("set by the party committee")
    DEPARTMENT_INVITATION = "department_invitation", _("invited by a department")
    PROPOSALS = "proposals", _("drawn from proposals")
    REPORTS = "reports", _("drawn from social-conditions reports")
    SECTOR = "sector", _("declared by a sector")


class TopicKind(models.TextChoices):
    REGULAR = "regular", _("supervision topic")
    SPECIAL = "special", _("special supervision")


class SourceKind(models.TextChoices):
    """What a topic's source link points at; the record itself lives in another app."""

    PROPOSAL = "proposal", _("proposal")
    REPORT = "report", _("social-conditions report")
    OTHER = "other", _("other document")


class SupervisorPost(models.TextChoices):
    PARTY_CONDUCT = "party_conduct", _("party conduct and integrity supervisor")
    SPECIAL_INSPECTOR = "special_inspector", _("special inspector")
    OTHER = "other", _("other supervisory post")


class AppointmentStatus(models.TextChoices):
    RECOMMENDED = "recommended", _("recommended")
    APPOINTED = "appointed", _("appointed")
    ENDED = "ended", _("ended")


class RecommendationState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENT = "sent", _("sent to the department")
    ANSWERED = "answered", _("answered")
    RECTIFYING = "rectifying", _("rectifying")
    UNDER_REVIEW = "under_review", _("under follow-up review")
    RETURNED = "returned", _("returned for more rectification")
    CLOSED = "closed", pgettext_lazy("recommendation state", "closed")


# States in which the department still owes work; "open" on the status pages.
OPEN_STATES = (
    RecommendationState.SENT,
    RecommendationState.ANSWERED,
    RecommendationState.RECTIFYING,
    RecommendationState.UNDER_REVIEW,
    RecommendationState.RETURNED,
)
# States in which the department may report rectification progress.
RECTIFICATION_STATES = (
    RecommendationState.ANSWERED,
    RecommendationState.RECTIFYING,
    RecommendationState.RETURNED,
)


class ItemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("rectification item state", "open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    NOT_FEASIBLE = "not_feasible", _("accepted as not feasible")


FINISHED_ITEM_STATUSES = (ItemStatus.DONE, ItemStatus.NOT_FEASIBLE)


class ReviewVerdict(models.TextChoices):
    RECTIFIED = "rectified", _("rectified")
    NOT_RECTIFIED = "not_rectified", _("more rectification needed")
