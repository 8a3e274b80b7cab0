"""The security suite's world: every persona, and one record of each kind owned by 'member'."""

import pytest

from tests.security.world import build_world


@pytest.fixture
def personas(
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
    return {
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


@pytest.fixture
def world(personas, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world(personas)
