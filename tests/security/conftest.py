"""The security suite's world: every persona, and one record of each kind owned by 'member'."""

import pytest

from cppcc_portal.core import committees
from tests.security.world import build_world


@pytest.fixture
def matrix_committee(db):
    """The committee the world is built in and its personas work in: committee number one here;
    the permission matrix runs in a district too (test_permission_matrix.py overrides this)."""
    yield committees.default()


@pytest.fixture
def personas(
    matrix_committee,
    staff_user,
    leader_user,
    member,
    other_member,
    committee,
    committee_leader,
    unit,
    unit_user,
    other_unit,
    other_unit_user,
):
    found = {
        "anonymous": None,
        "member": member.user,
        "other_member": other_member.user,
        "committee_leader": committee_leader.user,
        "unit": unit_user,
        "other_unit": other_unit_user,
        "leader": leader_user,
        "staff": staff_user,
        "member_obj": member,
        "committee_obj": committee,
        "committee_leader_obj": committee_leader,
        "unit_obj": unit,
        "other_unit_obj": other_unit,
    }
    if matrix_committee.pk != committees.default_id():
        # Seated in that committee only: each of their requests works in it (core.committees).
        for role in ("member", "other_member", "committee_leader", "unit", "other_unit", "leader", "staff"):
            committees.seat_add(actor=None, user=found[role], committee=matrix_committee)
    return found


@pytest.fixture
def world(personas, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world(personas)


def in_a_district(request, db):
    """``matrix_committee`` parametrized: committee number one, and a district under it whose world
    is built the same way (the personas' fixtures run inside it, so their rows are the district's)."""
    from tests.factories import CommitteeFactory

    if request.param == "one":
        yield committees.default()
        return
    district = CommitteeFactory(
        slug="xicheng",
        short_name="西城区政协",
        name="中国人民政治协商会议北京市西城区委员会",
        parent=committees.default(),
    )
    with committees.working_for(district):
        yield district
