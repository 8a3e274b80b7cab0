import pytest

from tests.proposals.factories import CategoryFactory
from tests.proposals.world import World


@pytest.fixture
def category(db):
    return CategoryFactory(name="城市建设管理")


@pytest.fixture
def world(member, other_member, staff_user, unit, unit_user, other_unit, other_unit_user, category):
    return World(
        proposer=member,
        cosigner=other_member,
        staff=staff_user,
        unit=unit,
        unit_user=unit_user,
        other_unit=other_unit,
        other_unit_user=other_unit_user,
        category=category,
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The personas are made with a password; a cheap hasher keeps these workflow tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
