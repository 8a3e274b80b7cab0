"""Proposals (提案) and their handling by units; social-conditions reports (社情民意) and bulletins;
matters forwarded between committees. One module per workflow; every model is importable from here."""

from proposals.models.forwarding import Forwarding
from proposals.models.proposals import (  # noqa: F401 - _upload_to: migration 0001 names it here
    Assignment,
    Cosignature,
    Countersignature,
    Feedback,
    Proposal,
    ProposalAttachment,
    ProposalCategory,
    ProposalCounter,
    ProposalEvent,
    ProposalYearSettings,
    Reply,
    SimilarityEntry,
    _upload_to,
)
from proposals.models.reports import BulletinIssue, Instruction, OpinionReport, ReportEvent

__all__ = [
    "Assignment",
    "BulletinIssue",
    "Cosignature",
    "Countersignature",
    "Feedback",
    "Forwarding",
    "Instruction",
    "OpinionReport",
    "Proposal",
    "ProposalAttachment",
    "ProposalCategory",
    "ProposalCounter",
    "ProposalEvent",
    "ProposalYearSettings",
    "Reply",
    "ReportEvent",
    "SimilarityEntry",
]
