"""One login at two levels: a person seated in the city and a district chooses where to work."""

import pytest
from django.urls import reverse

from cppcc_portal.core import committees
from cppcc_portal.core.models import AuditEvent, CommitteeSeat
from tests.conftest import login
from tests.factories import CommitteeFactory, WorkPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(db):
    district = CommitteeFactory(
        slug="xicheng", short_name="西城区政协", name="中国人民政治协商会议北京市西城区委员会"
    )
    with committees.working_for(district):
        WorkPlanFactory(year=2018, title="西城区政协2018年工作要点")
    return district


@pytest.fixture
def seated_staff(staff_user, district):
    """Office staff seated in the city committee (number one) and in the district."""
    committees.seat_add(actor=None, user=staff_user, committee=committees.default())
    committees.seat_add(actor=None, user=staff_user, committee=district)
    return staff_user


def footer(response) -> str:
    return response.content.decode().split('<footer class="site-footer">')[1].split("</footer>")[0]


def test_a_person_without_a_seat_works_in_the_installations_committee(client, member_user, district):
    login(client, member_user)
    page = client.get(reverse("committee_choose"))
    assert footer(page) == "中国人民政治协商会议北京市东城区委员会"
    assert "您只在这个政协组织任职" in page.content.decode()
    assert client.post(reverse("committee_choose"), {"committee": district.slug}).status_code == 404
    assert footer(client.get(reverse("committee_choose"))) == "中国人民政治协商会议北京市东城区委员会"


def test_a_person_seated_at_two_levels_is_asked_where_to_work_and_then_sees_that_committee(
    client, seated_staff, district
):
    login(client, seated_staff)
    assert client.get(reverse("home")).url == reverse("committee_choose")
    page = client.get(reverse("committee_choose")).content.decode()
    assert (
        "中国人民政治协商会议北京市西城区委员会" in page and "中国人民政治协商会议北京市东城区委员会" in page
    )
    # The city (committee number one) has no plan; the district has one.
    assert client.get(reverse("workplan:current")).status_code == 404

    response = client.post(reverse("committee_choose"), {"committee": district.slug})
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("dashboard:home")
    plan = client.get(reverse("workplan:current"), follow=True)
    assert "西城区政协2018年工作要点" in plan.content.decode()
    assert footer(plan) == "中国人民政治协商会议北京市西城区委员会"


def test_a_seat_taken_away_sends_the_person_back_to_the_committee_they_still_sit_in(
    client, seated_staff, district, staff_user
):
    login(client, seated_staff)
    client.post(reverse("committee_choose"), {"committee": district.slug})
    seat = CommitteeSeat.objects.get(user=seated_staff, committee=district)
    with committees.working_for(district):  # the office takes seats away in its own committee
        committees.seat_remove(actor=staff_user, seat=seat)
    page = client.get(reverse("committee_choose"))
    assert footer(page) == "中国人民政治协商会议北京市东城区委员会"
    assert client.get(reverse("workplan:current")).status_code == 404
    assert AuditEvent.objects.filter(action="committee_seat.delete").exists()


def test_the_office_gives_a_seat_in_its_own_committee_in_the_admin_and_a_member_may_not(
    client, staff_user, member_user, district
):
    from cppcc_portal.core.errors import PermissionDeniedError

    login(client, staff_user)
    own = committees.default()
    response = client.post(
        reverse("admin:core_committeeseat_add"), {"user": member_user.pk, "committee": own.pk}
    )
    assert response.status_code == 302
    assert CommitteeSeat.objects.filter(user=member_user, committee=own).exists()
    assert AuditEvent.objects.filter(action="committee_seat.create", actor=staff_user).exists()
    # Another committee's seats are that committee's office's (or the security administrator's).
    refused = client.post(
        reverse("admin:core_committeeseat_add"), {"user": member_user.pk, "committee": district.pk}
    )
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    with pytest.raises(PermissionDeniedError):
        committees.seat_add(actor=staff_user, user=member_user, committee=district)
    assert not CommitteeSeat.objects.filter(user=member_user, committee=district).exists()
    with pytest.raises(PermissionDeniedError):
        committees.seat_add(actor=member_user, user=member_user, committee=own)


def header(response) -> str:
    return response.content.decode().split('<header class="site-header">')[1].split("</header>")[0]


def test_the_header_names_the_committee_in_hand_and_links_to_the_chooser_for_two_seats(
    client, seated_staff, district
):
    login(client, seated_staff)
    client.post(reverse("committee_choose"), {"committee": district.slug})
    shown = header(client.get(reverse("workplan:current"), follow=True))
    assert f'<a class="site-committee" href="{reverse("committee_choose")}"' in shown
    assert "西城区政协</a>" in shown
    client.post(reverse("committee_choose"), {"committee": committees.default().slug})
    assert "东城区政协</a>" in header(client.get(reverse("committee_choose")))


def test_the_header_names_the_only_committee_without_a_link_to_the_chooser(client, member_user):
    login(client, member_user)
    shown = header(client.get(reverse("committee_choose")))
    assert '<span class="site-committee">东城区政协</span>' in shown
    assert f'href="{reverse("committee_choose")}"' not in shown
