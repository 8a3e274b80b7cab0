"""The plan admin action puts each selected plan to the plan's table first."""

import pytest
from django.urls import reverse

from consultations import services
from cppcc_portal.core.errors import TransitionError
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_adopting_an_adopted_plan_again_is_refused_with_the_tables_reason(client, staff_user, adopted_topic):
    plan = adopted_topic.plan
    with pytest.raises(TransitionError) as refused:
        services.PLAN_WORKFLOW.require(plan, staff_user, "adopt")
    login(client, staff_user)
    data = {"action": "adopt", "_selected_action": [plan.pk], "index": 0}
    response = client.post(reverse("admin:consultations_consultationplan_changelist"), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == [f"{plan}: {refused.value.message}"]
    plan.refresh_from_db()
    assert plan.state == "adopted"
