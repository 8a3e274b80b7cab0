"""Similar proposals where people decide: while drafting, at review (并案), in suggestions and the API."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cppcc_portal.core import roles
from cppcc_portal.core.models import Notification
from proposals import services, similarity
from proposals.choices import CosignState
from proposals.choices import ProposalState as S
from proposals.models import Cosignature, Proposal, SimilarityEntry
from tests.conftest import login
from tests.factories import MemberFactory, UserFactory

LIFT = "关于推进老旧小区加装电梯的建议"
LAST_YEARS_LIFT = "关于老旧住宅楼增设电梯方便老年人出行的建议"
PARKING = "关于缓解胡同停车难的建议"


@pytest.fixture
def third_member(db):
    return MemberFactory(user=UserFactory(username="third_member", role=roles.MEMBER), name="赵委员")


def _last_year(proposal: Proposal) -> Proposal:
    Proposal.objects.filter(pk=proposal.pk).update(year=proposal.year - 1)
    proposal.refresh_from_db()
    return proposal


def _proposal_by(world, member, title: str, state=S.AWAITING_REVIEW) -> Proposal:
    proposal = services.proposal_create(
        actor=world.staff,
        submitter=member,
        title=title,
        reason="老楼没有电梯，老人上下楼困难。",
        suggestions="建议简化审批，财政补贴加装电梯。",
        category=world.category,
    )
    services.proposal_submit(proposal=proposal, actor=world.staff)
    if state == S.ACCEPTED:
        services.proposal_accept(proposal=proposal, actor=world.staff)
    return proposal


@pytest.fixture
def lift_last_year(world):
    """Last year's proposal on lifts in old residential buildings, answered (category A) and rated."""
    proposal = _last_year(world.reach(S.CLOSED, title=LAST_YEARS_LIFT))
    world.reach(S.AWAITING_REVIEW, title=PARKING)
    similarity.rebuild()
    return proposal


# ---------------------------------------------------------------- drafting


def test_a_member_drafting_on_lifts_sees_last_years_proposal_with_its_reply(
    client, world, lift_last_year, third_member
):
    login(client, third_member.user)
    response = client.post(
        reverse("proposals:create"),
        {"title": LIFT, "reason": "", "suggestions": "", "category": world.category.pk, "check": "1"},
    )
    assert response.status_code == 200
    found = response.context["similar_proposals"]
    assert [s.proposal.pk for s in found][:1] == [lift_last_year.pk]
    assert found[0].reply_category == "A" and "停车资源普查" in found[0].reply_excerpt
    assert found[0].satisfaction  # the proposers' ratings
    page = response.content.decode()
    assert LAST_YEARS_LIFT in page and PARKING not in page
    # The check saved nothing and kept what the member typed.
    assert not Proposal.objects.filter(submitter=third_member).exists()
    assert response.context["form"].initial["title"] == LIFT


def test_the_panel_fragment_answers_while_typing_and_shows_nothing_for_nonsense(
    client, world, lift_last_year, third_member
):
    login(client, third_member.user)
    response = client.get(reverse("proposals:similar"), {"title": "老旧小区电梯"})
    assert LAST_YEARS_LIFT in response.content.decode()
    for title in ["", "梯", "，。！？", "关于…的建议", "电梯" * 50_000, "Lift エレベーター 엘리베이터 🚀"]:
        response = client.get(reverse("proposals:similar"), {"title": title, "exclude": "x" * 20})
        assert response.status_code == 200
        assert len(response.context["similar_proposals"]) <= 5


def test_a_member_does_not_find_another_members_proposal_that_was_never_accepted(client, world, third_member):
    world.reach(S.AWAITING_REVIEW, title=LAST_YEARS_LIFT)
    similarity.rebuild()
    login(client, third_member.user)
    response = client.get(reverse("proposals:similar"), {"title": LIFT})
    assert response.context["similar_proposals"] == []


def test_the_panel_is_for_members_and_staff_only(client, world, unit_user, lift_last_year):
    login(client, unit_user)
    assert client.get(reverse("proposals:similar"), {"title": LIFT}).status_code == 403


def test_the_drafting_form_loads_its_script_from_the_portal(client, world):
    login(client, world.proposer.user)
    page = client.get(reverse("proposals:create")).content.decode()
    assert "proposals/similar.js" in page and "<script>" not in page
    assert 'name="check"' in page


# ---------------------------------------------------------------- the index


def test_a_committed_save_queues_the_indexing_task(world, django_capture_on_commit_callbacks):
    with mock.patch("proposals.tasks.index_for_similarity.apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            proposal = world.draft(title=LIFT)
    expected = ["proposal", proposal.pk, proposal.tenant_id]  # the task works for the proposal's committee
    assert any(call.kwargs["args"] == expected for call in queued.call_args_list)


def test_with_the_broker_down_the_request_indexes_the_proposal_itself(
    world, django_capture_on_commit_callbacks
):
    with mock.patch("proposals.tasks.index_for_similarity.apply_async", side_effect=OSError("down")):
        with django_capture_on_commit_callbacks(execute=True):
            proposal = world.reach(S.AWAITING_REVIEW, title=LIFT)
    entry = SimilarityEntry.objects.get(kind="proposal", object_id=proposal.pk)
    assert entry.state == S.AWAITING_REVIEW and "电梯" in entry.terms


def test_another_process_finds_a_proposal_indexed_after_it_loaded(world, lift_last_year, third_member):
    bag = similarity.query_terms("居民区停车位不足")
    assert similarity.search(similarity.PROPOSAL, bag) == []  # this process has loaded the index
    new = _proposal_by(world, third_member, "关于增加居民区停车位的建议")
    similarity.index_proposal(new.pk)  # what the worker does
    assert [h.key for h in similarity.search(similarity.PROPOSAL, bag)][:1] == [new.pk]


def test_drafts_withdrawn_and_merged_proposals_are_never_suggested(world):
    draft = world.draft(title=LIFT)
    similarity.index_proposal(draft.pk)
    assert SimilarityEntry.objects.get(object_id=draft.pk).terms == {}


def test_the_rebuild_command_indexes_every_proposal_and_report(world, lift_last_year):
    SimilarityEntry.objects.all().delete()
    call_command("rebuild_similarity_index", stdout=mock.MagicMock())
    assert SimilarityEntry.objects.filter(kind="proposal").count() == Proposal.objects.count()


# ---------------------------------------------------------------- 并案


def test_staff_see_merge_candidates_of_the_same_year_with_their_score(client, world, third_member):
    mine = world.reach(S.AWAITING_REVIEW, title=LIFT)
    theirs = _proposal_by(world, third_member, "关于老旧小区增设电梯的建议")
    _last_year(_proposal_by(world, third_member, "关于老楼加装电梯的提案", state=S.ACCEPTED))
    similarity.rebuild()
    candidates = similarity.merge_candidates(proposal=mine)
    assert [p.pk for p, _score in candidates] == [theirs.pk]
    login(client, world.staff)
    page = client.get(reverse("admin:proposals_proposal_change", args=[mine.pk])).content.decode()
    assert "老旧小区增设电梯" in page and reverse("admin:proposals_proposal_merge", args=[mine.pk]) in page


def test_merging_makes_every_proposer_a_co_proposer_tells_each_and_the_reply_reaches_all(
    client, world, third_member
):
    into = world.reach(S.AWAITING_REVIEW, title=LIFT)  # proposer + accepted co-signer
    merged = _proposal_by(world, third_member, "关于老旧小区增设电梯的建议")
    earlier = _proposal_by(world, MemberFactory(name="钱委员"), "关于老楼装电梯的建议")
    services.proposal_merge(proposal=earlier, into=merged, actor=world.staff)
    login(client, world.staff)
    response = client.post(reverse("admin:proposals_proposal_merge", args=[merged.pk]), {"into": into.pk})
    assert response.status_code == 302
    merged.refresh_from_db()
    earlier.refresh_from_db()
    assert merged.state == S.MERGED and merged.merged_into == into
    assert earlier.merged_into == into  # the chain ends at the proposal that continues
    accepted = set(into.cosignatures.filter(state=CosignState.ACCEPTED).values_list("member_id", flat=True))
    assert {third_member.pk, earlier.submitter_id, world.cosigner.pk} <= accepted
    told = set(Notification.objects.filter(kind="proposals.merged").values_list("recipient_id", flat=True))
    assert {third_member.user_id, world.proposer.user_id} <= told
    assert {m.pk for m in services.raters(into)} >= {third_member.pk, world.proposer.pk}
    assert into.events.filter(action="merge_in").exists() and merged.events.filter(action="merge").exists()
    # The merged proposer now finds the continuing proposal among their own.
    login(client, third_member.user)
    assert client.get(reverse("proposals:detail", args=[into.pk])).status_code == 200


def test_a_leader_cannot_merge_and_nothing_changes(client, world, leader_user, third_member):
    into = world.reach(S.AWAITING_REVIEW, title=LIFT)
    merged = _proposal_by(world, third_member, "关于老旧小区增设电梯的建议")
    login(client, leader_user)
    response = client.post(reverse("admin:proposals_proposal_merge", args=[merged.pk]), {"into": into.pk})
    assert response.status_code in (302, 403)
    merged.refresh_from_db()
    assert (
        merged.state == S.AWAITING_REVIEW
        and not Cosignature.objects.filter(proposal=into, member=third_member).exists()
    )


def test_merging_into_a_proposal_of_another_year_is_refused_with_a_message(client, world, third_member):
    into = _last_year(world.reach(S.ACCEPTED, title=LIFT))
    merged = _proposal_by(world, third_member, "关于老旧小区增设电梯的建议")
    login(client, world.staff)
    response = client.post(
        reverse("admin:proposals_proposal_merge", args=[merged.pk]), {"into": into.pk}, follow=True
    )
    assert "同一年度" in response.content.decode() or "same year" in response.content.decode()
    merged.refresh_from_db()
    assert merged.state == S.AWAITING_REVIEW


# ---------------------------------------------------------------- suggestions


def test_the_units_that_handled_similar_proposals_are_suggested(world, lift_last_year):
    units = similarity.suggest_units(title=LIFT)
    assert units and units[0]["name"] == world.unit.name


def test_staff_link_a_suggested_plan_item_by_pressing_its_button(client, world, third_member):
    from workplan.models import Item, Section, WorkPlan

    plan = WorkPlan.objects.create(year=world.reach(S.DRAFT).year, title="工作要点")
    section = Section.objects.create(plan=plan, number=1, title="民主监督")
    item = Item.objects.create(
        plan=plan,
        section=section,
        number=9,
        title="加大民主监督力度。",
        text="围绕老旧小区加装电梯、居家养老开展民主监督。",
    )
    proposal = _proposal_by(world, third_member, LIFT)
    login(client, world.staff)
    page = client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).content.decode()
    assert "加大民主监督力度" in page
    assert not proposal.items.exists()  # suggested, not linked
    client.post(reverse("admin:proposals_proposal_link_item", args=[proposal.pk]), {"item": item.pk})
    assert list(proposal.items.all()) == [item]


# ---------------------------------------------------------------- API


def test_the_api_ranks_what_the_caller_may_see_with_scores(client, world, lift_last_year, third_member):
    login(client, third_member.user)
    body = client.get("/api/v1/proposals/similar/", {"text": LIFT}).json()
    assert body["results"][0]["id"] == lift_last_year.pk
    assert 0 < body["results"][0]["score"] <= 1 and body["results"][0]["reply_category"] == "A"
    assert all(r["score"] >= body["threshold"] for r in body["results"])


@pytest.mark.parametrize("text", ["", "梯", "。。。，，，", "x" * 100_000, "关于 Elevator 電梯 エレベーター"])
def test_the_api_gives_a_bounded_answer_to_bad_text(client, world, lift_last_year, text):
    login(client, world.staff)
    response = client.get("/api/v1/proposals/similar/", {"text": text})
    assert response.status_code == 200 and len(response.json()["results"]) <= 5


def test_the_api_refuses_a_bad_limit_with_a_code_and_anonymous_callers(client, world):
    login(client, world.staff)
    response = client.get("/api/v1/proposals/similar/", {"text": LIFT, "limit": "many"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    client.logout()
    assert client.get("/api/v1/proposals/similar/", {"text": LIFT}).status_code == 401


def test_a_unit_finds_through_the_api_only_what_it_may_see(client, world, other_unit_user, lift_last_year):
    login(client, other_unit_user)  # the assisting unit of last year's proposal
    ids = [r["id"] for r in client.get("/api/v1/proposals/similar/", {"text": LIFT}).json()["results"]]
    assert ids == [lift_last_year.pk]
    outsider = UserFactory(username="outsider_unit", role=roles.UNIT)
    login(client, outsider)
    assert client.get("/api/v1/proposals/similar/", {"text": LIFT}).json()["results"] == []


def test_the_workplan_suggest_api_ranks_items_and_bounds_bad_input(client, world):
    from workplan.models import Item, Section, WorkPlan

    plan = WorkPlan.objects.create(year=2026, title="工作要点")
    section = Section.objects.create(plan=plan, number=3, title="社情民意")
    Item.objects.create(
        plan=plan, section=section, number=13, title="加强反映社情民意工作。", text="做好社情民意信息报送。"
    )
    login(client, world.proposer.user)
    body = client.get("/api/v1/workplan/items/suggest/", {"text": "社情民意信息报送培训"}).json()
    assert body["results"][0]["number"] == 13
    for text in ["", "a", "！！！", "y" * 100_000]:
        assert client.get("/api/v1/workplan/items/suggest/", {"text": text}).status_code == 200
    assert client.get("/api/v1/workplan/items/suggest/", {"text": "x", "year": "abc"}).status_code == 400


def test_both_endpoints_are_in_the_schema(client, world):
    login(client, world.staff)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/proposals/similar/" in schema and "/api/v1/workplan/items/suggest/" in schema


def test_a_search_costs_a_fixed_number_of_queries(
    client, world, lift_last_year, third_member, django_assert_max_num_queries
):
    login(client, third_member.user)
    client.get(reverse("proposals:similar"), {"title": LIFT})
    with django_assert_max_num_queries(14):
        client.get(reverse("proposals:similar"), {"title": LIFT})
    assert connection.vendor in ("postgresql", "sqlite")
