"""Display labels of the apps' coded fields, from the apps' own choices (plain imports)."""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from members.choices import ActivityKind
from proposals.choices import AdoptionLevel, ProposalState
from workplan.choices import ItemStatus

CHOICES: dict[str, type[TextChoices]] = {
    "item_status": ItemStatus,
    "activity_kind": ActivityKind,
    "proposal_state": ProposalState,
    "adoption_level": AdoptionLevel,
}


def labels(name: str) -> dict[str, str]:
    """Code → translated label of one of the coded fields above, in the choices' own order."""
    return {str(code): str(label) for code, label in CHOICES[name].choices}


# What each kind of work counts, in the same words on the dashboard, the summary page and the
# Excel export (the rows are those of the apps' `activities_of_year`, `submitted_proposals`,
# `reports_of_year` and `topics_of_year`).
WORK_KIND_TITLES = {
    "activities": _("Activities (not cancelled)"),
    "proposals": _("Proposals submitted (drafts excluded)"),
    "reports": _("Social-conditions reports"),
    "supervision": _("Supervision topics"),
}
