"""The proposal and report admin actions put each selected row to the workflow's table first: a row
the table refuses is reported with the table's own reason and nothing changes."""

import pytest
from django.urls import reverse

from cppcc_portal.core.errors import TransitionError
from proposals import services
from proposals.choices import ProposalState as S
from proposals.choices import ReportState as R
from tests.conftest import login


def _run(client, user, changelist, action, rows, **fields):
    login(client, user)
    data = {"action": action, "_selected_action": [r.pk for r in rows], "index": 0, **fields}
    response = client.post(reverse(changelist), data, follow=True)
    return [str(m) for m in response.context["messages"]]


def _table_reason(workflow, row, user, action) -> str:
    with pytest.raises(TransitionError) as refused:
        workflow.require(row, user, action)
    return f"{row}: {refused.value.message}"


def test_accepting_a_draft_in_the_admin_is_refused_with_the_tables_reason_and_the_others_go_on(client, world):
    draft = world.reach(S.DRAFT)
    waiting = world.reach(S.AWAITING_REVIEW, title="关于社区养老的建议")
    said = _run(client, world.staff, "admin:proposals_proposal_changelist", "accept", [draft, waiting])
    assert _table_reason(services.PROPOSAL_WORKFLOW, draft, world.staff, "accept") in said
    draft.refresh_from_db()
    waiting.refresh_from_db()
    assert draft.state == S.DRAFT
    assert waiting.state == S.ACCEPTED


def test_closing_a_proposal_the_table_does_not_allow_is_refused_before_the_note_is_asked_for(client, world):
    handling = world.reach(S.HANDLING)
    said = _run(client, world.staff, "admin:proposals_proposal_changelist", "close", [handling], note="")
    assert said == [_table_reason(services.PROPOSAL_WORKFLOW, handling, world.staff, "close")]
    handling.refresh_from_db()
    assert handling.state == S.HANDLING


def test_filing_an_adopted_report_in_the_admin_is_refused_with_the_tables_reason(client, world):
    report = services.report_submit(actor=world.proposer.user, title="关于菜市场的信息", situation="情况")
    services.report_adopt(report=report, actor=world.staff, level="district")
    report.refresh_from_db()
    said = _run(client, world.staff, "admin:proposals_opinionreport_changelist", "file", [report])
    assert said == [_table_reason(services.REPORT_WORKFLOW, report, world.staff, "file")]
    report.refresh_from_db()
    assert report.state == R.ADOPTED
