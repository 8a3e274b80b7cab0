import datetime as dt

import pytest

from consultations import services
from consultations.choices import Adoption
from tests.consultations.factories import PlanFactory, TopicFactory
from tests.factories import ItemFactory


@pytest.fixture
def adopted_topic(staff_user, unit):
    """非首都功能疏解 on the adopted 2017 list, serving item 8, with 区民政局 concerned."""
    plan = PlanFactory()
    topic = TopicFactory(plan=plan, title="非首都功能疏解", description="疏解非首都功能")
    topic.units.add(unit)
    topic.items.add(ItemFactory(number=8, title="积极开展政治协商"))
    services.plan_adopt(
        plan=plan, adopted_on=dt.date(2017, 2, 20), note="十四届常委会第三次会议", actor=staff_user
    )
    topic.refresh_from_db()
    return topic


@pytest.fixture
def submitted_outcome(adopted_topic, staff_user):
    """The topic held, its 建议案 with two recommendations submitted."""
    services.topic_record_held(
        topic=adopted_topic, held_on=dt.date(2017, 6, 20), minutes="区发改委通报情况", actor=staff_user
    )
    outcome = services.outcome_create(
        topic=adopted_topic,
        kind="recommendation",
        title="关于推进非首都功能疏解的建议案",
        recommendations=["加快疏解区域性批发市场", "完善疏解后腾退空间利用"],
        actor=staff_user,
    )
    services.outcome_review(outcome=outcome, actor=staff_user)
    services.outcome_submit(
        outcome=outcome, document_number="东政协发〔2017〕12号", submitted_to="区委、区政府", actor=staff_user
    )
    return outcome


@pytest.fixture
def feedback(submitted_outcome, staff_user, unit):
    """Feedback asked of 区民政局 on the adopted first recommendation, due on 1 October 2017."""
    first = submitted_outcome.recommendations.first()
    services.adoption_record(recommendation=first, adoption=Adoption.ADOPTED, actor=staff_user)
    [row] = services.feedback_request(
        recommendation=first, units=[unit], due_on=dt.date(2017, 10, 1), actor=staff_user
    )
    return row
