"""Matters between levels: a proposal or report forwarded to the parent committee or sent down to a child."""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

from proposals.choices import (
    ForwardDirection,
)
from proposals.models.proposals import Proposal
from proposals.models.reports import OpinionReport

USER = settings.AUTH_USER_MODEL


class Forwarding(models.Model):
    """转报 / 交由下级办理: a proposal or report sent from one committee to its parent or a child.

    The receiving committee gets a row of its own (``target_*``, its ``tenant`` the receiver) that
    enters its normal workflow; the sending row stays where it was and keeps this link, so each side
    reads what became of the other (proposals.selectors, "across committees"). A row is forwarded at
    most once (one-to-one), and exactly one of the proposal pair or the report pair is set. This
    link belongs to both committees, so it has no ``tenant`` of its own.
    """

    direction = models.CharField(
        pgettext_lazy("proposals", "direction"), max_length=8, choices=ForwardDirection.choices
    )
    source_committee = models.ForeignKey(
        "core.Committee",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "from committee"),
    )
    target_committee = models.ForeignKey(
        "core.Committee",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "to committee"),
    )
    source_proposal = models.OneToOneField(
        Proposal,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarding_out",
        verbose_name=pgettext_lazy("proposals", "forwarded proposal"),
    )
    target_proposal = models.OneToOneField(
        Proposal,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarding_in",
        verbose_name=pgettext_lazy("proposals", "received proposal"),
    )
    source_report = models.OneToOneField(
        OpinionReport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarding_out",
        verbose_name=pgettext_lazy("proposals", "forwarded report"),
    )
    target_report = models.OneToOneField(
        OpinionReport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarding_in",
        verbose_name=pgettext_lazy("proposals", "received report"),
    )
    # The sending row's number (a proposal's) or title when it was forwarded, as the receiver shows it.
    source_reference = models.CharField(pgettext_lazy("proposals", "original number"), max_length=200)
    note = models.TextField(pgettext_lazy("proposals", "note"), blank=True)
    forwarded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "forwarded by"),
    )
    forwarded_at = models.DateTimeField(pgettext_lazy("proposals", "forwarded at"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("proposals", "forwarding")
        verbose_name_plural = pgettext_lazy("proposals", "forwardings")
        ordering = ["-forwarded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        source_proposal__isnull=False,
                        target_proposal__isnull=False,
                        source_report__isnull=True,
                        target_report__isnull=True,
                    )
                    | models.Q(
                        source_proposal__isnull=True,
                        target_proposal__isnull=True,
                        source_report__isnull=False,
                        target_report__isnull=False,
                    )
                ),
                name="forwarding_one_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(source_committee=models.F("target_committee")),
                name="forwarding_between_two_committees",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_reference}: {self.source_committee_id} → {self.target_committee_id}"

    @property
    def source(self):
        return self.source_proposal or self.source_report

    @property
    def target(self):
        return self.target_proposal or self.target_report
