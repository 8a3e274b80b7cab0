"""Similar proposals in real Chromium: a member drafting sees last year's answer as they type; the
office merges two proposals (并案) from the admin page and every proposer sees it."""

import pytest

from tests.browser.conftest import PHONE
from tests.factories import MemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LIFT = "关于推进老旧小区加装电梯的建议"
LAST_YEARS_LIFT = "关于老旧住宅楼增设电梯方便老年人出行的建议"


@pytest.fixture
def world(member, other_member, staff_user, unit, unit_user, other_unit, other_unit_user):
    from tests.proposals.factories import CategoryFactory
    from tests.proposals.world import World

    return World(
        proposer=member,
        cosigner=other_member,
        staff=staff_user,
        unit=unit,
        unit_user=unit_user,
        other_unit=other_unit,
        other_unit_user=other_unit_user,
        category=CategoryFactory(),
    )


@pytest.fixture
def indexing_in_the_request():
    """No worker runs beside the live server: the indexing task runs where it is queued."""
    from cppcc_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_a_member_drafting_on_lifts_is_shown_last_years_proposal_and_its_reply(
    open_browser, world, indexing_in_the_request
):
    from proposals.choices import ProposalState
    from proposals.models import Proposal

    last_year = world.reach(ProposalState.CLOSED, title=LAST_YEARS_LIFT)
    Proposal.objects.filter(pk=last_year.pk).update(year=last_year.year - 1)
    from proposals import similarity

    similarity.index_proposal(last_year.pk)  # an update() sends no signal: index it as the task would
    newcomer = MemberFactory(user=UserFactory(username="newcomer", role="member"), name="孙委员")

    visit = open_browser(user=newcomer.user, viewport=PHONE)
    visit.go("/portal/proposals/new/")
    visit.page.fill("input[name=title]", LIFT)
    panel = visit.page.locator("#similar-panel")
    panel.get_by_text(LAST_YEARS_LIFT).wait_for()
    text = panel.inner_text()
    assert "停车资源普查" in text  # the opening of last year's reply
    assert str(last_year.year - 1) in text
    # Without waiting for the script: the check step shows the same.
    visit.page.click("button[name=check]")
    visit.page.locator("#similar-panel").get_by_text(LAST_YEARS_LIFT).wait_for()
    assert visit.page.input_value("input[name=title]") == LIFT
    visit.assert_clean()


def test_the_office_merges_two_proposals_and_every_proposer_sees_it(
    open_browser, world, indexing_in_the_request
):
    from proposals import services
    from proposals.choices import ProposalState

    continuing = world.reach(ProposalState.AWAITING_REVIEW, title=LIFT)
    third = MemberFactory(user=UserFactory(username="third", role="member"), name="赵委员")
    merged = services.proposal_create(
        actor=world.staff,
        submitter=third,
        title="关于老旧小区增设电梯的建议",
        reason="老楼没有电梯，老人上下楼困难。",
        suggestions="简化审批，财政补贴。",
        category=world.category,
    )
    services.proposal_submit(proposal=merged, actor=world.staff)

    office = open_browser(user=world.staff)
    office.go(f"/admin/proposals/proposal/{merged.pk}/change/")
    row = office.page.locator(".field-merge_candidates tr", has_text=LIFT)
    row.locator("button[name=into]").click()
    office.page.wait_for_url(f"**/admin/proposals/proposal/{continuing.pk}/change/")
    assert "赵委员" in office.page.content()  # now among the co-signers
    office.assert_clean()

    for member in (third, world.proposer, world.cosigner):
        visit = open_browser(user=member.user, viewport=PHONE)
        if member != world.cosigner:  # the continuing proposal's co-signer has nothing new to hear
            visit.go("/portal/notifications/")
            assert "并案" in visit.page.content()
        visit.go(f"/portal/proposals/{continuing.pk}/")
        page = visit.page.content()
        assert LIFT in page and "赵委员" in page
        visit.assert_clean()
    visit = open_browser(user=third.user)
    visit.go(f"/portal/proposals/{merged.pk}/")
    assert LIFT in visit.page.content()  # "merged into" the continuing proposal
