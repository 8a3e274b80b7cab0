"""The proposal admin shows beside its action menu only the inputs the chosen action needs."""

from tests.browser.test_journeys import log_in_as


def test_the_proposal_admin_shows_the_inputs_of_the_chosen_action_only(open_browser, member, staff_user):
    from proposals import services
    from tests.proposals.factories import CategoryFactory

    services.proposal_create(
        actor=member.user,
        submitter=member,
        title="关于缓解胡同停车难的建议",
        reason="东城区胡同停车位紧张，居民夜间停车难。",
        suggestions="建议利用腾退空间建设立体停车设施。",
        category=CategoryFactory(),
    )
    visit = open_browser()
    log_in_as(visit, "staff")
    visit.go("/admin/proposals/proposal/")
    actions = visit.page.locator("#changelist-form .actions")
    visible = [el for el in actions.locator("input, select").all() if el.is_visible()]
    assert [el.get_attribute("name") for el in visible] == ["action"]

    visit.page.select_option("select[name=action]", value="convert")
    shown = {el.get_attribute("name") for el in actions.locator("input, select").all() if el.is_visible()}
    assert shown == {"action", "conversion", "note"}
    assert visit.page.locator("select[name=conversion]").input_value() == ""

    visit.page.select_option("select[name=action]", value="assign")
    shown = {el.get_attribute("name") for el in actions.locator("input, select").all() if el.is_visible()}
    assert shown == {"action", "lead_unit", "assisting_units", "note"}
    visit.assert_clean()
