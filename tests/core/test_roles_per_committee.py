"""One login, roles per committee: a seat carries the person's roles in its committee (core.roles)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from cppcc_portal.core import committees, roles
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.models import AuditEvent, CommitteeSeat
from members.models import Member
from proposals import services
from tests.conftest import login
from tests.factories import HandlingUnitFactory, MemberFactory, UserFactory
from tests.levels import build_levels

pytestmark = pytest.mark.django_db


@pytest.fixture
def levels(db):
    return build_levels()


def at(committee, name: str) -> str:
    """The address of a page in a committee: /c/<slug>/…"""
    return f"/c/{committee.slug}{reverse(name)}"


def seated(username: str, role: str, **roles_in) -> object:
    """A login whose own group is ``role``, seated in each committee given with the roles listed."""
    user = UserFactory(username=username, role=role)
    for committee, codes in roles_in.values():
        committees.seat_add(actor=None, user=user, committee=committee, roles_in_committee=codes)
    return user


@pytest.fixture
def district_office_city_member(levels):
    """Office staff of 西城 who is also a member of the city, with a roster entry there."""
    person = seated(
        "both",
        roles.MEMBER,
        city=(levels.city.committee, [roles.MEMBER]),
        district=(levels.a.committee, [roles.STAFF]),
    )
    with committees.working_for(levels.city.committee):
        MemberFactory(user=person, name="两级委员")
    return person


def statuses(client, committee) -> dict[str, int]:
    pages = ("admin:index", "dashboard:home", "meetings:list", "members:portal_home")
    return {name: client.get(at(committee, name)).status_code for name in pages}


def test_staff_of_a_district_who_is_a_city_member_is_the_office_there_and_a_member_in_the_city(
    client, levels, district_office_city_member
):
    person = district_office_city_member
    login(client, person)
    district = statuses(client, levels.a.committee)
    assert district["admin:index"] == 200
    assert district["dashboard:home"] == 200
    assert district["meetings:list"] == 200
    assert district["members:portal_home"] == 403  # no roster entry in the district
    city = statuses(client, levels.city.committee)
    assert city["admin:index"] == 302  # the admin sends them to its login: not the office here
    assert city["dashboard:home"] == 403
    assert city["meetings:list"] == 403
    assert city["members:portal_home"] == 200
    portal = client.get(at(levels.city.committee, "members:portal_home")).content.decode()
    assert "两级委员" in portal
    # The header offers the administration where they are the office only.
    admin_link = 'href="/c/{}/admin/"'
    assert (
        admin_link.format(levels.a.committee.slug)
        in client.get(at(levels.a.committee, "meetings:list")).content.decode()
    )
    assert admin_link.format(levels.city.committee.slug) not in portal


def test_a_city_leader_who_is_a_district_member_reads_the_city_and_uses_the_district_portal(client, levels):
    person = seated(
        "leader-both",
        roles.LEADER,
        city=(levels.city.committee, [roles.LEADER]),
        district=(levels.a.committee, [roles.MEMBER]),
    )
    with committees.working_for(levels.a.committee):
        MemberFactory(user=person, name="西城的主席委员")
    login(client, person)
    city = statuses(client, levels.city.committee)
    assert city["admin:index"] == 200 and city["dashboard:home"] == 200
    assert city["members:portal_home"] == 403
    # Leaders read in the admin and never write, in the committee where they lead.
    assert client.get(at(levels.city.committee, "admin:members_member_changelist")).status_code == 200
    assert client.get(at(levels.city.committee, "admin:members_member_add")).status_code == 403
    district = statuses(client, levels.a.committee)
    assert district["admin:index"] == 302
    assert district["dashboard:home"] == 403
    assert district["members:portal_home"] == 200
    assert "西城的主席委员" in client.get(at(levels.a.committee, "members:portal_home")).content.decode()


def test_roles_and_permissions_answer_for_the_committee_in_hand(levels, district_office_city_member):
    person = get_user_model().objects.get(pk=district_office_city_member.pk)
    with committees.working_for(levels.a.committee):
        assert roles.user_roles(person) == {roles.STAFF}
        assert person.has_perm("members.add_member")
        assert roles.may_use_admin(person)
        assert list(roles.active_users_with_role(roles.STAFF).filter(pk=person.pk)) == [person]
    with committees.working_for(levels.city.committee):
        assert roles.user_roles(person) == {roles.MEMBER}
        assert not person.has_perm("members.add_member")
        assert not person.has_perm("members.view_member")
        assert not roles.may_use_admin(person)
        assert not roles.active_users_with_role(roles.STAFF).filter(pk=person.pk).exists()
    # A committee they have no seat in: no business role at all.
    with committees.working_for(levels.b.committee):
        assert roles.user_roles(person) == set()


def test_a_person_without_seats_keeps_their_own_groups_everywhere(staff_user, levels):
    with committees.working_for(levels.city.committee):
        assert roles.user_roles(staff_user) == {roles.STAFF}
        assert staff_user.has_perm("members.add_member")


def test_a_seat_without_roles_keeps_the_persons_own_groups_there(levels):
    # build_levels seats each committee's office without roles: their own group, staff, applies.
    with committees.working_for(levels.a.committee):
        assert roles.user_roles(levels.a.staff) == {roles.STAFF}
    with committees.working_for(levels.city.committee):
        assert roles.user_roles(levels.a.staff) == set()


def test_a_change_of_a_seats_roles_shows_on_the_next_request(client, levels, district_office_city_member):
    security = UserFactory(username="security", role=roles.SECURITY_ADMIN)
    login(client, district_office_city_member)
    assert client.get(at(levels.a.committee, "admin:members_member_add")).status_code == 200
    seat = CommitteeSeat.objects.get(user=district_office_city_member, committee=levels.a.committee)
    committees.seat_set_roles(actor=security, seat=seat, roles_in_committee=[roles.LEADER])
    assert client.get(at(levels.a.committee, "admin:members_member_add")).status_code == 403
    assert client.get(at(levels.a.committee, "admin:members_member_changelist")).status_code == 200
    committees.seat_set_roles(actor=security, seat=seat, roles_in_committee=[roles.MEMBER])
    assert client.get(at(levels.a.committee, "admin:index")).status_code == 302
    event = AuditEvent.objects.filter(action="committee_seat.roles").order_by("pk").last()
    assert event.actor == security
    assert event.changes == {"roles": [["领导"], ["委员"]]}


def test_only_the_security_administrator_gives_roles_and_never_an_administrators_role(levels):
    security = UserFactory(username="security", role=roles.SECURITY_ADMIN)
    person = UserFactory(username="newcomer", role=roles.MEMBER)
    with committees.working_for(levels.a.committee):
        with pytest.raises(PermissionDeniedError):
            committees.seat_add(
                actor=levels.a.staff,
                user=person,
                committee=levels.a.committee,
                roles_in_committee=[roles.STAFF],
            )
        seat = committees.seat_add(actor=levels.a.staff, user=person, committee=levels.a.committee)
        with pytest.raises(PermissionDeniedError):
            committees.seat_set_roles(actor=levels.a.staff, seat=seat, roles_in_committee=[roles.STAFF])
    with pytest.raises(DomainError):
        committees.seat_set_roles(actor=security, seat=seat, roles_in_committee=[roles.AUDITOR])
    assert list(seat.roles.all()) == []
    committees.seat_set_roles(actor=security, seat=seat, roles_in_committee=[roles.STAFF])
    person.refresh_from_db()
    assert person.is_staff  # the admin lets them in where a seat makes them the office


def test_the_security_administrator_gives_roles_in_the_seat_admin_and_the_office_only_seats(client, levels):
    security = UserFactory(username="security", role=roles.SECURITY_ADMIN)
    person = UserFactory(username="newcomer", role=roles.MEMBER)
    login(client, security)
    response = client.post(
        reverse("admin:core_committeeseat_add"),
        {"user": person.pk, "committee": levels.a.committee.pk, "role_codes": [roles.STAFF]},
    )
    assert response.status_code == 302
    seat = CommitteeSeat.objects.get(user=person, committee=levels.a.committee)
    assert roles.role_codes(seat.roles.all()) == {roles.STAFF}
    assert AuditEvent.objects.filter(action="committee_seat.create", actor=security).exists()
    change = reverse("admin:core_committeeseat_change", args=[seat.pk])
    client.post(change, {"role_codes": [roles.LEADER]})
    assert roles.role_codes(seat.roles.all()) == {roles.LEADER}
    # The office of 西城 sees its own committee's seats, read-only, and no roles to tick.
    login(client, levels.a.staff)
    listing = client.get(at(levels.a.committee, "admin:core_committeeseat_changelist")).content.decode()
    assert "newcomer" in listing and "city-staff" not in listing
    page = client.get(f"/c/{levels.a.committee.slug}{change}").content.decode()
    assert 'name="role_codes"' not in page
    assert client.post(f"/c/{levels.a.committee.slug}{change}", {"role_codes": []}).status_code == 403
    assert roles.role_codes(seat.roles.all()) == {roles.LEADER}


def test_one_login_has_a_roster_entry_in_each_committee_and_one_only(levels):
    person = UserFactory(username="two-rosters", role=roles.MEMBER)
    with committees.working_for(levels.city.committee):
        city_member = MemberFactory(user=person, name="市委员")
    with committees.working_for(levels.a.committee):
        district_member = MemberFactory(user=person, name="区委员")
    from members.selectors import member_for_user

    with committees.working_for(levels.city.committee):
        assert member_for_user(person) == city_member
    with committees.working_for(levels.a.committee):
        assert member_for_user(person) == district_member
        with pytest.raises(IntegrityError), transaction.atomic():
            Member.objects.create(
                user=person,
                member_number="X-2",
                name="重复",
                gender=district_member.gender,
                party=district_member.party,
                sector=district_member.sector,
                term=district_member.term,
            )


def _assigned(level, unit, title):
    proposal = level.proposal(title)
    with committees.working_for(level.committee):
        services.proposal_accept(proposal=proposal, actor=level.staff)
        services.proposal_assign(proposal=proposal, actor=level.staff, lead_unit=unit)
    return proposal


def test_a_unit_account_answering_to_two_committees_sees_in_each_only_its_units_work_there(client, levels):
    account = seated(
        "two-level-unit", roles.UNIT, city=(levels.city.committee, []), district=(levels.a.committee, [])
    )
    with committees.working_for(levels.city.committee):
        city_unit = HandlingUnitFactory(name="市住房城乡建设委")
        city_unit.accounts.add(account)
    with committees.working_for(levels.a.committee):
        district_unit = HandlingUnitFactory(name="西城区住房城乡建设委")
        district_unit.accounts.add(account)
    _assigned(levels.city, city_unit, "关于全市老旧小区改造的建议")
    _assigned(levels.a, district_unit, "关于西城胡同微更新的建议")
    login(client, account)
    city = client.get(at(levels.city.committee, "proposals_units:home")).content.decode()
    district = client.get(at(levels.a.committee, "proposals_units:home")).content.decode()
    assert "关于全市老旧小区改造的建议" in city and "关于西城胡同微更新的建议" not in city
    assert "关于西城胡同微更新的建议" in district and "关于全市老旧小区改造的建议" not in district
