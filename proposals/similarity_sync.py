"""Keeps the similarity index up to date: every committed save or delete of a proposal or report
queues its re-indexing; with the broker down it is done in the request (well under 100 ms)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from cppcc_portal.core import publishing
from proposals.models import OpinionReport, Proposal

logger = logging.getLogger(__name__)


def _queue(kind: str, object_id: int, committee_id: int) -> None:
    from proposals.tasks import index_for_similarity

    # Bounded like every publish from a request (core.publishing); with the broker down the change
    # is indexed here instead, so it is neither lost nor slow.
    if not publishing.publish(index_for_similarity, args=[kind, object_id, committee_id]):
        from proposals import similarity

        similarity.INDEXERS[kind](object_id)


def _on_change(kind: str):
    def receiver(sender, instance, **kwargs):
        if kwargs.get("raw"):
            return
        object_id, committee_id = instance.pk, instance.tenant_id
        transaction.on_commit(lambda: _queue(kind, object_id, committee_id))

    return receiver


_proposal_changed = _on_change("proposal")
_report_changed = _on_change("report")


def connect() -> None:
    """Called from ProposalsConfig.ready()."""
    post_save.connect(_proposal_changed, sender=Proposal, dispatch_uid="similarity_proposal_saved")
    post_delete.connect(_proposal_changed, sender=Proposal, dispatch_uid="similarity_proposal_deleted")
    post_save.connect(_report_changed, sender=OpinionReport, dispatch_uid="similarity_report_saved")
    post_delete.connect(_report_changed, sender=OpinionReport, dispatch_uid="similarity_report_deleted")
