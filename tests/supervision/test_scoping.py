"""Who sees what: units only what was sent to them, members only their groups, notes only inside."""

import pytest
from django.urls import reverse

from supervision.choices import RecommendationState
from tests.supervision.factories import GroupFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

S = RecommendationState


@pytest.fixture
def ours(unit):
    return RecommendationFactory(unit=unit, state=S.SENT, title="送达区民政局的意见")


@pytest.fixture
def theirs(other_unit):
    return RecommendationFactory(unit=other_unit, state=S.SENT, title="送达区教委的意见")


def test_a_unit_lists_only_the_recommendations_sent_to_it(client, unit_user, unit, ours, theirs):
    RecommendationFactory(unit=unit, state=S.DRAFT, title="尚未发出的草稿")
    client.force_login(unit_user)
    page = client.get(reverse("supervision_units:list")).content.decode()
    assert "送达区民政局的意见" in page
    assert "送达区教委的意见" not in page
    assert "尚未发出的草稿" not in page


def test_a_unit_opens_its_own_recommendation_but_a_guessed_id_is_404(client, unit_user, ours, theirs):
    client.force_login(unit_user)
    assert client.get(reverse("supervision_units:detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("supervision_units:detail", args=[theirs.pk])).status_code == 404
    answered = client.post(reverse("supervision_units:answer", args=[theirs.pk]), {"answer": "冒充答复"})
    assert answered.status_code == 404
    theirs.refresh_from_db()
    assert theirs.answer == ""


def test_a_unit_sees_only_its_recommendations_in_the_api(client, unit_user, ours, theirs):
    client.force_login(unit_user)
    listed = client.get("/api/v1/supervision/recommendations/").json()
    assert [r["id"] for r in listed["results"]] == [ours.pk]
    assert client.get(f"/api/v1/supervision/recommendations/{theirs.pk}/").status_code == 404
    assert (
        client.post(f"/api/v1/supervision/recommendations/{theirs.pk}/answer/", {"answer": "x"}).status_code
        == 404
    )


def test_a_unit_is_kept_out_of_the_status_pages_groups_and_other_units_work(client, unit_user, ours, theirs):
    client.force_login(unit_user)
    assert client.get(reverse("supervision:status")).status_code == 403
    assert client.get(reverse("supervision:status_export")).status_code == 403
    assert client.get(reverse("supervision:group", args=[ours.group.pk])).status_code == 404
    assert client.get(reverse("supervision:recommendation", args=[theirs.pk])).status_code == 404


def test_a_member_cannot_open_unit_pages(client, member_user, ours):
    client.force_login(member_user)
    assert client.get(reverse("supervision_units:list")).status_code == 403


@pytest.fixture
def group_with_notes(member):
    group = GroupFactory(name="财政预算民主监督小组", internal_notes="内部：预算数据以月报为准")
    group.members.add(member)
    return group


def test_a_group_member_reads_the_internal_notes(client, member_user, group_with_notes):
    client.force_login(member_user)
    page = client.get(reverse("supervision:group", args=[group_with_notes.pk])).content.decode()
    assert "内部：预算数据以月报为准" in page
    api = client.get(f"/api/v1/supervision/groups/{group_with_notes.pk}/").json()
    assert api["internal_notes"] == "内部：预算数据以月报为准"


def test_a_member_outside_the_group_cannot_see_its_internal_notes(
    client, other_member_user, group_with_notes
):
    client.force_login(other_member_user)
    assert client.get(reverse("supervision:group", args=[group_with_notes.pk])).status_code == 404
    assert client.get(f"/api/v1/supervision/groups/{group_with_notes.pk}/").status_code == 404
    listed = client.get("/api/v1/supervision/groups/").json()
    assert "内部：预算数据以月报为准" not in str(listed)
    portal = client.get(reverse("supervision:my")).content.decode()
    assert "财政预算民主监督小组" not in portal


def test_leaders_read_the_notes_too(client, leader_user, group_with_notes):
    client.force_login(leader_user)
    page = client.get(reverse("supervision:group", args=[group_with_notes.pk])).content.decode()
    assert "内部：预算数据以月报为准" in page


def test_a_group_member_sees_the_groups_recommendations_in_the_portal(
    client, member_user, group_with_notes, unit
):
    RecommendationFactory(group=group_with_notes, unit=unit, title="关于预算执行的意见", state=S.SENT)
    RecommendationFactory(title="别组的意见", state=S.SENT)
    client.force_login(member_user)
    page = client.get(reverse("supervision:my")).content.decode()
    assert "关于预算执行的意见" in page
    assert "别组的意见" not in page
