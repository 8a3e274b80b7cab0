"""Committees as data: committee number one, the committee in hand, its name on every page."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cppcc_portal.core import committees
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.models import AuditEvent, Committee

pytestmark = pytest.mark.django_db


def test_the_installation_is_committee_number_one_named_by_its_settings(settings):
    committee = Committee.objects.get(slug=settings.COMMITTEE_SLUG)
    assert committee.name == settings.COMMITTEE_NAME == "中国人民政治协商会议北京市东城区委员会"
    assert committee.short_name == "东城区政协"
    assert committee.parent is None
    assert committees.default() == committee


def test_a_page_reads_the_committee_from_the_cache_without_a_query(client):
    client.get(reverse("login"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("login")).content.decode()
    assert "中国人民政治协商会议北京市东城区委员会</footer>" in page
    assert not [q for q in queries.captured_queries if "core_committee" in q["sql"]]


def test_a_district_under_the_city_is_saved_with_an_audit_row(staff_user):
    city = Committee(name="中国人民政治协商会议北京市委员会", short_name="北京市政协", slug="beijing")
    committees.committee_save(actor=staff_user, committee=city, created=True)
    district = committees.default()
    district.parent = city
    committees.committee_save(actor=staff_user, committee=district, changes={"parent": [None, city]})
    assert list(city.children.all()) == [district]
    assert AuditEvent.objects.filter(action="committee.update", object_id=str(district.pk)).exists()


def test_a_committee_cannot_be_placed_under_its_own_district(staff_user):
    city = committees.default()
    district = Committee.objects.create(
        name="某区政协全称", short_name="某区政协", slug="district", parent=city
    )
    city.parent = district
    with pytest.raises(DomainError):
        committees.committee_save(actor=staff_user, committee=city, changes={"parent": [None, district]})
    city.refresh_from_db()
    assert city.parent is None


def test_only_the_office_may_rename_a_committee(member_user):
    committee = committees.default()
    committee.name = "改名"
    with pytest.raises(PermissionDeniedError):
        committees.committee_save(actor=member_user, committee=committee, changes={"name": ["", "改名"]})
    committee.refresh_from_db()
    assert committee.name == "中国人民政治协商会议北京市东城区委员会"


def test_work_done_for_another_committee_is_done_in_its_name():
    district = Committee.objects.create(name="西城区政协全称", short_name="西城区政协", slug="xicheng")
    assert committees.current() == committees.default()
    with committees.working_for(district):
        assert committees.current() == district
        assert committees.current_id() == district.pk
    assert committees.current_id() == committees.default().pk


def test_the_office_edits_a_committee_in_the_admin(client, staff_user):
    committee = committees.default()
    client.force_login(staff_user)
    url = reverse("admin:core_committee_change", args=[committee.pk])
    response = client.post(
        url,
        {
            "name": committee.name,
            "short_name": "东城政协",
            "slug": committee.slug,
            "parent": "",
            "office_name": "",
        },
    )
    assert response.status_code == 302
    committee.refresh_from_db()
    assert committee.short_name == "东城政协"
    assert client.get(reverse("admin:core_committee_delete", args=[committee.pk])).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_installation_committee_is_there_again(settings):
    call_command("flush", interactive=False, verbosity=0)
    assert Committee.objects.filter(slug=settings.COMMITTEE_SLUG, name=settings.COMMITTEE_NAME).exists()
