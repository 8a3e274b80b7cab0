"""The recommendation admin actions put each selected row to the workflow's table first."""

import pytest
from django.urls import reverse

from cppcc_portal.core.errors import TransitionError
from supervision import services
from supervision.choices import RecommendationState as S
from tests.conftest import login
from tests.supervision.factories import RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "table_action", "state"),
    [
        ("send", "send", S.SENT),
        ("close_after_review", "close", S.RECTIFYING),
        ("return_after_review", "return", S.SENT),
    ],
)
def test_a_step_the_table_refuses_is_reported_with_its_reason_and_nothing_changes(
    client, staff_user, action, table_action, state
):
    refused_row = RecommendationFactory(state=state)
    with pytest.raises(TransitionError) as refused:
        services.RECOMMENDATION_WORKFLOW.require(refused_row, staff_user, table_action)
    login(client, staff_user)
    data = {"action": action, "_selected_action": [refused_row.pk], "index": 0}
    response = client.post(reverse("admin:supervision_recommendation_changelist"), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == [f"{refused_row}: {refused.value.message}"]
    refused_row.refresh_from_db()
    assert refused_row.state == state


def test_sending_a_draft_and_a_sent_one_sends_the_draft_and_reports_the_other(client, staff_user):
    draft = RecommendationFactory(state=S.DRAFT)
    sent = RecommendationFactory(state=S.SENT)
    login(client, staff_user)
    data = {"action": "send", "_selected_action": [draft.pk, sent.pk], "index": 0}
    response = client.post(reverse("admin:supervision_recommendation_changelist"), data, follow=True)
    levels = sorted(m.level_tag for m in response.context["messages"])
    assert levels == ["error", "success"]
    draft.refresh_from_db()
    assert draft.state == S.SENT
