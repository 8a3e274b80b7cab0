"""The dashboard's query count does not grow with data: pinned at one and at three years of data."""

import pytest
from django.urls import reverse

from cppcc_portal.dashboard.choices import ExportState
from cppcc_portal.dashboard.models import YearFigures
from cppcc_portal.dashboard.services import export_build, export_request
from devdata import decade as bulk
from tests.conftest import login

pytestmark = pytest.mark.django_db

# Stored figures: session, user, groups, the year list (plan years, activity span and probes,
# proposal and report spans and probes, topic years), the two stored rows, the admin-link checks.
STORED_BOUND = 14
# Recomputing both years through every app's selectors: a fixed number of grouped queries.
RECOMPUTE_BOUND = 140


@pytest.mark.parametrize("years,scale", [(1, 0.002), (3, 0.006)])
def test_the_dashboard_query_count_is_the_same_at_two_data_sizes(
    client, leader_user, django_assert_max_num_queries, years, scale
):
    bulk.build(last_year=2017, years=years, say=lambda message: None, scale=scale)
    login(client, leader_user)
    YearFigures.objects.all().delete()
    with django_assert_max_num_queries(RECOMPUTE_BOUND):
        assert client.get(reverse("dashboard:home"), {"year": 2017}).status_code == 200
    with django_assert_max_num_queries(STORED_BOUND):
        response = client.get(reverse("dashboard:home"), {"year": 2017})
    assert response.status_code == 200


@pytest.mark.parametrize("years,scale", [(1, 0.002), (3, 0.006)])
def test_the_annual_summary_query_count_is_the_same_at_two_data_sizes(
    client, leader_user, django_assert_max_num_queries, years, scale
):
    bulk.build(last_year=2017, years=years, say=lambda message: None, scale=scale)
    login(client, leader_user)
    # Session, user, language, groups, notification count and the session save (8), the year list
    # on a cold cache (8), the plan (3), two per kind of work (8).
    with django_assert_max_num_queries(28):
        response = client.get(reverse("dashboard:summary"), {"year": 2017})
    assert response.status_code == 200
    assert "2017年工作要点第1条" in response.content.decode()


def test_a_leader_exports_the_summary_and_only_they_download_it(client, leader_user, staff_user, settings):
    bulk.build(last_year=2017, years=1, say=lambda message: None, scale=0.002)
    job = export_request(actor=leader_user, year=2017)
    login(client, leader_user)
    page = client.get(reverse("dashboard:export_detail", args=[job.pk])).content.decode()
    assert "data-export-poll" in page and 'http-equiv="refresh"' not in page  # updates without a reload
    export_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.DONE
    page = client.get(reverse("dashboard:export_detail", args=[job.pk])).content.decode()
    assert "data-export-poll" not in page
    download = client.get(reverse("dashboard:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    login(client, staff_user)
    assert client.get(reverse("dashboard:export_download", args=[job.pk])).status_code == 404


def test_a_member_cannot_request_an_export(client, member_user):
    login(client, member_user)
    assert client.post(reverse("dashboard:export_create"), {"year": 2017}).status_code == 403
