"""The year's consultation topics and outcomes as an Excel workbook (openpyxl), with Chinese headers."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from consultations.models import ConsultationTopic, OutcomeRecommendation


def _header(ws, names) -> None:
    ws.append(names)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"


def year_workbook(year: int) -> bytes:
    """Two sheets: the topics of the year, and every recommendation of its outcomes with adoption and feedback."""
    wb = Workbook()
    ws = wb.active
    ws.title = pgettext("consultations", "Topics")
    _header(
        ws,
        [
            _("Topic"),
            _("Source"),
            _("Form"),
            _("Lead body"),
            _("Responsible leader"),
            _("Departments concerned"),
            _("Planned month"),
            _("Work-plan items"),
            _("State"),
            _("Held on"),
        ],
    )
    topics = (
        ConsultationTopic.objects.filter(year=year)
        .prefetch_related("units", "items")
        .order_by("planned_month", "pk")
    )
    for topic in topics:
        ws.append(
            [
                topic.title,
                topic.get_source_display(),
                topic.get_form_display(),
                topic.lead_body,
                topic.responsible_leader,
                "、".join(u.name for u in topic.units.all()),
                topic.planned_month,
                "、".join(str(i.number) for i in topic.items.all()),
                topic.get_state_display(),
                topic.held_on,
            ]
        )
    ws.column_dimensions["A"].width = 36
    ws = wb.create_sheet(_("Outcomes"))
    _header(
        ws,
        [
            _("Topic"),
            pgettext("consultations", "Outcome"),
            _("Kind"),
            _("State"),
            _("Submitted on"),
            _("Document number"),
            _("Instructions"),
            pgettext("consultations", "Number"),
            _("Recommendation"),
            _("Adoption"),
            pgettext("consultations", "Reason"),
            _("Feedback"),
        ],
    )
    recommendations = (
        OutcomeRecommendation.objects.filter(outcome__topic__year=year)
        .select_related("outcome__topic")
        .prefetch_related("outcome__instructions", "feedback__unit")
        .order_by("outcome__topic__planned_month", "outcome__topic_id", "outcome_id", "number")
    )
    for rec in recommendations:
        outcome = rec.outcome
        ws.append(
            [
                outcome.topic.title,
                outcome.title,
                outcome.get_kind_display(),
                outcome.get_state_display(),
                outcome.submitted_on,
                outcome.document_number,
                "；".join(f"{i.leader_name}：{i.text}" for i in outcome.instructions.all()),
                rec.number,
                rec.text,
                rec.get_adoption_display(),
                rec.adoption_reason,
                "；".join(f"{f.unit.name}（{f.get_state_display()}）{f.text}" for f in rec.feedback.all()),
            ]
        )
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["I"].width = 50
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
