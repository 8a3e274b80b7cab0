"""Schemathesis fuzzes every operation of the published schema, in process, as staff and anonymously.

This quick in-process pass (inside the test's transaction, a few examples) leaves out the two
checks that need a stateful scenario (ensure_resource_availability, use_after_free) and
positive_data_acceptance, whose cases here roll back between calls. The full run, with every
check, every phase and every role against gunicorn and a worker, is tests/live/test_schema_fuzz.py.
Set FUZZ_EXAMPLES to fuzz harder, FUZZ_REPORT to a path to get the counts as JSON.
"""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi import checks as openapi_checks

from cppcc_portal.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
EXCLUDED = [
    openapi_checks.positive_data_acceptance,
    openapi_checks.ensure_resource_availability,
    openapi_checks.use_after_free,
]
TOKEN_EXCHANGE = "/api/v1/auth/token/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    # Like Django's test client: the WSGI handler must not close the test's connection (and so
    # its transaction) at the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def fuzz(api_schema, examples: int, call) -> tuple[Counter, list[str]]:
    """Run `call(case)` on generated cases of every operation; collect counts and failures."""
    counts: Counter = Counter()
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 10
    for operation in operations:
        counts["operations"] += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            counts["cases"] += 1
            # Each case starts from the same data, and a database error in one case cannot
            # poison the test's transaction for the next.
            savepoint = transaction.savepoint()
            try:
                response = call(case)
            finally:
                transaction.savepoint_rollback(savepoint)
            counts[f"status {response.status_code}"] += 1

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - every failing operation is reported, not just the first
            counts["failed operations"] += 1
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc).strip()[:600]}")
    return counts, failures


def report(role: str, counts: Counter) -> None:
    path = os.environ.get("FUZZ_REPORT")
    if not path:
        return
    existing = json.load(open(path)) if os.path.exists(path) else {}
    existing[role] = dict(counts)
    with open(path, "w") as handle:
        json.dump(existing, handle, indent=1, sort_keys=True)


def test_staff_gets_no_server_error_and_only_documented_answers(api_schema, staff_user):
    token, _ = Token.objects.get_or_create(user=staff_user)

    def call(case):
        return case.call_and_validate(
            headers={"Authorization": f"Token {token.key}"}, excluded_checks=EXCLUDED
        )

    counts, failures = fuzz(api_schema, EXAMPLES, call)
    report("staff", counts)
    assert not failures, "\n\n".join(failures)


def test_anonymous_caller_is_refused_by_every_operation_but_the_token_exchange(api_schema):
    def call(case):
        response = case.call_and_validate(excluded_checks=EXCLUDED)
        if case.path == TOKEN_EXCHANGE:
            assert response.status_code in (200, 400, 401, 429)
        else:
            assert response.status_code == 401, f"answered {response.status_code} without authentication"
            assert response.json()["code"] == "not_authenticated"
        return response

    counts, failures = fuzz(api_schema, max(1, EXAMPLES // 2), call)
    report("anonymous", counts)
    assert not failures, "\n\n".join(failures)
