"""A consultation topic in real Chromium: a member proposes it, the office screens it, adopts the list,
holds the consultation and submits the outcome, the unit reports back in /units/, the leader reads the
timeline."""

import datetime as dt

import pytest
from django.utils import timezone

from consultations.choices import FeedbackState, TopicState
from consultations.models import ConsultationTopic, ImplementationFeedback
from tests.consultations.factories import PlanFactory, WindowFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _submit(visit, form):
    with visit.page.expect_navigation():
        form.locator("button[type=submit]").first.click()


def test_staff_run_a_topic_from_collection_to_unit_feedback_and_the_leader_reads_its_timeline(
    open_browser, member_user, staff_user, leader_user, unit, unit_user
):
    today = timezone.localdate()
    year = today.year
    WindowFactory(
        year=year,
        title="议题征集",
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=10),
    )
    plan = PlanFactory(year=year)

    member = open_browser(user=member_user)
    member.go("/portal/consultations/propose/")
    form = member.page.locator("form.card")
    form.locator("input[name=title]").fill("胡同停车治理")
    form.locator("textarea[name=reason]").fill("胡同停车难，居民反映强烈。")
    _submit(member, form)
    assert "胡同停车治理" in member.page.content()
    member.assert_clean()

    staff = open_browser(user=staff_user)
    staff.go("/portal/consultations/proposals/")
    screen = staff.page.locator("form[action*='/screen/']").first
    screen.locator("select[name=decision]").select_option("accept")
    screen.locator("select[name=form]").select_option("sector")
    screen.locator("input[name=lead_body]").fill("城市建设和管理委员会")
    _submit(staff, screen)
    topic = ConsultationTopic.objects.get(title="胡同停车治理")
    assert topic.plan == plan
    topic.units.add(unit)

    staff.go("/admin/consultations/consultationplan/")
    staff.page.check(f"input[name=_selected_action][value='{plan.pk}']")
    staff.page.select_option("select[name=action]", "adopt")
    with staff.page.expect_navigation():
        staff.page.click("button[name=index]")
    topic.refresh_from_db()
    assert topic.state == TopicState.ADOPTED

    staff.go(f"/portal/consultations/topics/{topic.pk}/")
    held = staff.page.locator("form[action$='/held/']")
    held.locator("input[name=held_on]").fill(today.isoformat())
    held.locator("textarea[name=minutes]").fill("区交通委通报情况，委员发言。")
    _submit(staff, held)
    staff.page.click("summary:has-text('起草协商成果')")
    outcome_form = staff.page.locator("form[action$='/outcome/']")
    outcome_form.locator("select[name=kind]").select_option("recommendation")
    outcome_form.locator("input[name=title]").fill("关于胡同停车治理的建议案")
    outcome_form.locator("textarea[name=recommendations]").fill("推进胡同停车自治\n挖掘错时共享车位")
    _submit(staff, outcome_form)
    _submit(staff, staff.page.locator("form[action$='/review/']"))
    submit = staff.page.locator("form[action$='/submit/']")
    submit.locator("input[name=document_number]").fill(f"东政协发〔{year}〕21号")
    _submit(staff, submit)
    adoption = staff.page.locator("form[action$='/adoption/']").first
    adoption.locator("select[name=adoption]").select_option("adopted")
    _submit(staff, adoption)
    feedback_form = staff.page.locator("form[action$='/feedback/']").first
    feedback_form.locator(f"input[name=units][value='{unit.pk}']").check()
    feedback_form.locator("input[name=due_on]").fill((today + dt.timedelta(days=30)).isoformat())
    _submit(staff, feedback_form)
    staff.assert_clean()
    feedback = ImplementationFeedback.objects.get(unit=unit)

    unit_visit = open_browser(user=unit_user)
    unit_visit.go("/units/consultations/")
    assert "推进胡同停车自治" in unit_visit.page.content()
    unit_visit.go(f"/units/consultations/{feedback.pk}/")
    answer = unit_visit.page.locator("form[method=post]").last
    answer.locator("textarea[name=text]").fill("已在3条胡同试点停车自治。")
    _submit(unit_visit, answer)
    unit_visit.assert_clean()
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.ANSWERED

    staff.go(f"/portal/consultations/topics/{topic.pk}/")
    staff.page.click("summary:has-text('登记回头看')")
    review = staff.page.locator("form[action$='/follow_up/']")
    review.locator("textarea[name=findings]").fill("试点胡同停车秩序明显好转。")
    _submit(staff, review)
    topic.refresh_from_db()
    assert topic.state == TopicState.CONCLUDED

    leader = open_browser(user=leader_user)
    leader.go(f"/portal/consultations/topics/{topic.pk}/timeline/")
    text = leader.page.content()
    for step in ("委员", "列入议题清单", "审议通过", f"东政协发〔{year}〕21号", "回头看"):
        assert step in text
    assert text.index(f"东政协发〔{year}〕21号") < text.index(unit.name + "反馈") < text.index("回头看")
    leader.assert_clean()
