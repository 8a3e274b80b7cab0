"""A double click or a client's retry creates one thing (issue 13, defect 17): creating forms carry
a one-time token, the API honours an Idempotency-Key header."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from members.choices import DutyEventKind
from members.models import DutyRecord
from proposals.models import OpinionReport, Proposal
from tests.proposals.factories import CategoryFactory
from tests.proposals.world import REASON, SUGGESTIONS


def token_of(page: str) -> str:
    return re.search(r'name="_once" value="([0-9a-f]+)"', page).group(1)


def proposal_body(category, title="关于缓解胡同停车难的建议"):
    return {"title": title, "reason": REASON, "suggestions": SUGGESTIONS, "category": category.pk}


@pytest.mark.django_db
def test_the_same_idempotency_key_twice_creates_one_proposal_and_replays_the_first_answer(client, member):
    category = CategoryFactory()
    client.force_login(member.user)
    first = client.post(
        "/api/v1/proposals/",
        proposal_body(category),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    again = client.post(
        "/api/v1/proposals/",
        proposal_body(category),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Proposal.objects.count() == 1


@pytest.mark.django_db
def test_a_key_reused_for_another_request_is_refused_and_other_keys_or_users_are_independent(
    client, member, other_member
):
    category = CategoryFactory()
    client.force_login(member.user)
    client.post(
        "/api/v1/proposals/",
        proposal_body(category),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    reused = client.post(
        "/api/v1/proposals/",
        proposal_body(category, title="另一件提案"),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    # 409, like any request the server's state refuses: a schema-valid request is never a 4xx of bad input.
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    other = Client()
    other.force_login(other_member.user)
    response = other.post(
        "/api/v1/proposals/",
        proposal_body(category),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert response.status_code == 201
    assert Proposal.objects.count() == 2


@pytest.mark.django_db
def test_without_a_key_each_request_runs(client, member):
    category = CategoryFactory()
    client.force_login(member.user)
    for _n in range(2):
        client.post("/api/v1/proposals/", proposal_body(category), content_type="application/json")
    assert Proposal.objects.count() == 2


@pytest.mark.django_db
def test_submitting_the_proposal_form_twice_makes_one_draft_and_both_land_on_it(client, member):
    category = CategoryFactory()
    client.force_login(member.user)
    token = token_of(client.get(reverse("proposals:create")).content.decode())
    first = client.post(reverse("proposals:create"), {**proposal_body(category), "_once": token})
    second = client.post(reverse("proposals:create"), {**proposal_body(category), "_once": token})
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert Proposal.objects.count() == 1


@pytest.mark.django_db
def test_submitting_the_report_form_twice_makes_one_report(client, member):
    client.force_login(member.user)
    page = client.get(reverse("proposals:report_create")).content.decode()
    data = {
        "title": "社情民意",
        "situation": "情况" * 10,
        "analysis": "分析",
        "suggestion": "建议",
        "_once": token_of(page),
    }
    client.post(reverse("proposals:report_create"), data)
    client.post(reverse("proposals:report_create"), data)
    assert OpinionReport.objects.count() == 1


@pytest.mark.django_db
def test_logging_the_same_duty_record_form_twice_makes_one_record(client, member):
    client.force_login(member.user)
    page = client.get(reverse("members:records")).content.decode()
    data = {
        "event_kind": DutyEventKind.SELF_REPORTED,
        "occurred_on": "2026-01-05",
        "title": "走访",
        "_once": token_of(page),
    }
    first = client.post(reverse("members:records"), data)
    second = client.post(reverse("members:records"), data)
    assert first.status_code == second.status_code == 302
    assert DutyRecord.objects.filter(title="走访").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_double_click_two_requests_at_once_makes_one_draft(member):
    """Two requests at the same moment, each in its own connection and transaction (as gunicorn runs them)."""
    category = CategoryFactory()
    browser = Client()
    browser.force_login(member.user)
    token = token_of(browser.get(reverse("proposals:create")).content.decode())
    answers = []

    def click():
        try:
            answers.append(
                browser.post(reverse("proposals:create"), {**proposal_body(category), "_once": token})
            )
        finally:
            connection.close()

    clicks = [threading.Thread(target=click) for _n in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert [answer.status_code for answer in answers] == [302, 302]
    assert answers[0].url == answers[1].url
    assert Proposal.objects.count() == 1
