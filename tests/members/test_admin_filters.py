"""The admin's sector, committee and street-group filters: read from the cache, never stale."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import StreetGroup
from tests.factories import SectorFactory, SpecialCommitteeFactory, StreetGroupFactory
from tests.members.factories import ParticipationFactory

pytestmark = pytest.mark.django_db

ATTENDANCE = "/admin/members/participation/"
REFERENCE_TABLES = ('"members_sector"', '"members_specialcommittee"', '"members_streetgroup"')


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def reference_data():
    ParticipationFactory()
    return (
        SectorFactory(name="经济界"),
        SpecialCommitteeFactory(name="提案委员会"),
        StreetGroupFactory(name="东四街道组"),
    )


def reads_of_reference_tables(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        q["sql"] for q in queries.captured_queries if any(f"FROM {t}" in q["sql"] for t in REFERENCE_TABLES)
    ]


def test_the_filters_list_every_sector_committee_and_group(staff_client, reference_data):
    page = staff_client.get(ATTENDANCE).content.decode()
    for name in ("经济界", "提案委员会", "东四街道组"):
        assert name in page


def test_a_second_view_reads_the_choices_from_the_cache(staff_client, reference_data):
    assert len(reads_of_reference_tables(staff_client, ATTENDANCE)) == 3
    assert reads_of_reference_tables(staff_client, ATTENDANCE) == []


def test_a_renamed_added_or_deleted_choice_shows_on_the_next_view(staff_client, reference_data):
    sector, _, group = reference_data
    staff_client.get(ATTENDANCE)

    sector.name = "经济界别"
    sector.save()
    StreetGroupFactory(name="朝阳门街道组")
    StreetGroup.objects.filter(pk=group.pk).delete()
    page = staff_client.get(ATTENDANCE).content.decode()

    assert "经济界别" in page and "朝阳门街道组" in page
    assert "东四街道组" not in page
