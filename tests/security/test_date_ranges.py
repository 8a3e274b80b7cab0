"""Dates and years are checked against the committee's terms and a sane range (issue 13, defect 19)."""

import datetime as dt

import pytest
from django.utils import timezone

from members.choices import DutyEventKind
from members.models import DutyRecord, Term
from proposals.models import Proposal
from tests.proposals.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fourteenth_term(db):
    return Term.objects.create(number=14, starts_on=dt.date(2017, 1, 10), ends_on=dt.date(2022, 1, 9))


def log_duty(client, day):
    return client.post(
        "/api/v1/members/duty-records/",
        {"event_kind": DutyEventKind.SELF_REPORTED, "occurred_on": day, "title": "社区调研"},
    )


@pytest.mark.usefixtures("fourteenth_term")
def test_a_duty_record_dated_0001_01_01_is_refused_with_a_clear_message(client, member_user):
    client.force_login(member_user)
    response = log_duty(client, "0001-01-01")
    # A well-formed date the terms on record refuse: 409, as for any rule of the server's state.
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "date_out_of_range" and body["field"] == "occurred_on"
    assert "2017-01-10" in body["detail"]
    assert not DutyRecord.objects.exists()


@pytest.mark.usefixtures("fourteenth_term")
def test_a_duty_record_in_the_term_is_accepted(client, member_user):
    client.force_login(member_user)
    response = log_duty(client, timezone.localdate().isoformat())
    assert response.status_code == 201, response.content
    assert DutyRecord.objects.count() == 1


def test_without_any_term_the_earliest_year_setting_is_the_floor(client, member_user, settings):
    settings.PORTAL_EARLIEST_YEAR = 2000
    client.force_login(member_user)
    assert log_duty(client, "1999-12-31").json()["code"] == "date_out_of_range"


@pytest.mark.usefixtures("fourteenth_term")
@pytest.mark.parametrize("year", [1990, 2016, 9999])
def test_a_proposal_for_a_year_outside_the_terms_is_refused(client, member_user, year):
    category = CategoryFactory()
    client.force_login(member_user)
    response = client.post(
        "/api/v1/proposals/",
        {
            "title": "关于背街小巷整治的建议",
            "reason": "理由",
            "suggestions": "建议",
            "category": category.pk,
            "year": year,
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "year_out_of_range" and str(year) in body["detail"]
    assert not Proposal.objects.exists()
