"""Named personas, one per role, shared by every app's tests."""

import re

import pytest

from cppcc_portal.core import roles
from tests.factories import (
    HandlingUnitFactory,
    MemberFactory,
    SpecialCommitteeFactory,
    StreetGroupFactory,
    UserFactory,
)

PASSWORD = "pass-Word-123"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _broker_not_known_down():
    """A test that took the broker down leaves no backoff behind (core.publishing keeps it per process)."""
    from cppcc_portal.core import publishing

    publishing.reset()


@pytest.fixture(autouse=True)
def _fresh_cached_values():
    """Cached values (core.caching) live in Redis, which outlives each test's rolled-back data."""
    from cppcc_portal.core import caching, committees

    caching.forget_all()
    committees.forget()


@pytest.fixture(autouse=True)
def _in_the_default_committee():
    """Test code works for the installation's own committee (core.committees: the query scope).

    Factories and assertions read and write its rows. What the test runs that sets its own
    committee (a request through the middleware, a task, a command) works in that one instead;
    code that sets none where it must (a thread, a worker) fails with ScopeError. The committee
    is read when the first scoped query runs, so a test without the database reads nothing.
    """
    from django.utils.functional import SimpleLazyObject

    from cppcc_portal.core import committees

    with committees.working_for(SimpleLazyObject(committees.default)):
        yield


@pytest.fixture(autouse=True)
def _fresh_similarity_index():
    """Each process keeps the similarity index in memory; a test's rolled-back rows must not linger."""
    from proposals import similarity

    similarity.forget()


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", role=roles.STAFF, first_name="办公室")


@pytest.fixture
def leader_user(db):
    return UserFactory(username="leader", role=roles.LEADER, first_name="主席")


@pytest.fixture
def member(db):
    """A member with a login (the persona 'member')."""
    user = UserFactory(username="member", role=roles.MEMBER)
    return MemberFactory(user=user, name="张委员")


@pytest.fixture
def member_user(member):
    return member.user


@pytest.fixture
def other_member(db):
    user = UserFactory(username="other_member", role=roles.MEMBER)
    return MemberFactory(user=user, name="李委员")


@pytest.fixture
def other_member_user(other_member):
    return other_member.user


@pytest.fixture
def committee(db):
    return SpecialCommitteeFactory(name="提案委员会")


@pytest.fixture
def committee_leader(db, committee):
    """A member who directs a special committee and leads a street group."""
    from members.models import CommitteeMembership, StreetGroupMembership

    user = UserFactory(username="committee_leader", role=roles.MEMBER)
    leader = MemberFactory(user=user, name="王主任")
    CommitteeMembership.objects.create(committee=committee, member=leader, role="director")
    group = StreetGroupFactory(street="东华门街道", name="东华门街道委员活动小组")
    StreetGroupMembership.objects.create(group=group, member=leader, role="leader")
    return leader


@pytest.fixture
def unit(db):
    return HandlingUnitFactory(name="区民政局")


@pytest.fixture
def unit_user(unit):
    user = UserFactory(username="unit", role=roles.UNIT)
    unit.accounts.add(user)
    return user


@pytest.fixture
def other_unit(db):
    return HandlingUnitFactory(name="区教委")


@pytest.fixture
def other_unit_user(other_unit):
    user = UserFactory(username="other_unit", role=roles.UNIT)
    other_unit.accounts.add(user)
    return user


def login(client, user):
    client.force_login(user)
    return client


def without_csrf_tokens(html: str) -> str:
    """A page with its CSRF tokens taken out: each render masks the session's secret anew, so two
    views of one kept page differ only there."""
    return re.sub(r'(name="csrfmiddlewaretoken" value=|name="csrf-token" content=)"[^"]*"', "", html)


@pytest.fixture
def backup_settings(settings, tmp_path):
    """Backups switched on with a fresh key, into two folders of this test (tests/backup_support.py)."""
    from tests.backup_support import new_key

    settings.BACKUP_ENABLED = True
    settings.BACKUP_KEY = new_key()
    settings.BACKUP_OLD_KEYS = []
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_COPY_DIR = tmp_path / "offsite"
    settings.BACKUP_RETENTION_DAYS = 30
    settings.BACKUP_DIR.mkdir()
    settings.BACKUP_COPY_DIR.mkdir()
    return settings


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session, shared by tests/browser and tests/live."""
    from tests.browser.chromium import launched_chromium

    with launched_chromium() as chromium:
        yield chromium
