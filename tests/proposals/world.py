"""A small world for workflow tests: a proposer, a co-signer, the office and two units, and a way
to bring a proposal to any state of the workflow through the services."""

from __future__ import annotations

from dataclasses import dataclass

from proposals import services
from proposals.choices import ProposalState as S
from proposals.models import Proposal

REASON = "东城区胡同停车位紧张，居民夜间停车难，占道停车影响消防通道。"
SUGGESTIONS = "建议利用腾退空间建设立体停车设施，推行错时共享停车。"


@dataclass
class World:
    proposer: object  # Member
    cosigner: object  # Member
    staff: object
    unit: object
    unit_user: object
    other_unit: object
    other_unit_user: object
    category: object

    def draft(self, title: str = "关于缓解胡同停车难的建议", **extra) -> Proposal:
        return services.proposal_create(
            actor=self.proposer.user,
            submitter=self.proposer,
            title=title,
            reason=REASON,
            suggestions=SUGGESTIONS,
            category=self.category,
            **extra,
        )

    def reach(
        self, state: str, *, assisting: bool = True, title: str = "关于缓解胡同停车难的建议"
    ) -> Proposal:
        """A proposal brought to `state` along the main path (co-signed, assigned with an assisting unit)."""
        p = self.draft(title=title)
        if state == S.DRAFT:
            return p
        services.cosigners_invite(proposal=p, actor=self.proposer.user, members=[self.cosigner])
        services.proposal_submit(proposal=p, actor=self.proposer.user)
        if state == S.COSIGNING:
            return p
        services.cosign_respond(proposal=p, actor=self.cosigner.user, accept=True)
        if state == S.AWAITING_REVIEW:
            return p
        services.proposal_accept(proposal=p, actor=self.staff)
        if state == S.ACCEPTED:
            return p
        services.proposal_assign(
            proposal=p,
            actor=self.staff,
            lead_unit=self.unit,
            assisting_units=[self.other_unit] if assisting else [],
        )
        if state == S.ASSIGNED:
            return p
        if state == S.RETURNED:
            services.proposal_return(
                proposal=p, actor=self.unit_user, unit=self.unit, reason="不属于本单位职责"
            )
            return p
        services.proposal_start_handling(proposal=p, actor=self.unit_user)
        if state == S.HANDLING:
            return p
        self.write_reply(p)
        if state == S.REPLY_DRAFTED:
            return p
        services.reply_send(proposal=p, actor=self.unit_user)
        if state == S.COUNTERSIGNING:
            return p
        if p.state == S.COUNTERSIGNING:
            services.reply_countersign(proposal=p, actor=self.other_unit_user, unit=self.other_unit)
        if state == S.UNDER_REVIEW:
            return p
        services.reply_review(proposal=p, actor=self.staff)
        if state == S.AWAITING_EVALUATION:
            return p
        services.feedback_rate(proposal=p, actor=self.proposer.user, rating="satisfied")
        services.feedback_rate(proposal=p, actor=self.cosigner.user, rating="basically")
        assert state == S.CLOSED and p.state == S.CLOSED
        return p

    def write_reply(self, p: Proposal, category: str = "A"):
        return services.reply_draft(
            proposal=p,
            actor=self.unit_user,
            category=category,
            document_number="东民函〔2017〕12号",
            contact_person="王科长",
            contact_phone="010-64000000",
            body="我局已会同相关街道完成停车资源普查，将分批建设共享停车位。",
        )
