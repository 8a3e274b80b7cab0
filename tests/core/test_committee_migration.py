"""An installation of one committee becomes committee number one without losing a row.

Ten years of data (devdata, at a small scale) are taken back to the schema before committees
existed, then migrated forward: every row is still there and belongs to committee number one.
"""

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from cppcc_portal.core import committees
from devdata import decade

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BUSINESS_APPS = ("workplan", "members", "meetings", "proposals", "supervision", "consultations")
# The schema before committees: core's last migration without them, and each app's.
BEFORE = [
    ("core", "0011_user_preference_elder_mode"),
    ("workplan", "0003_plan_sign_off"),
    ("members", "0009_dutyrecordevent_transition_event"),
    ("meetings", "0001_initial"),
    ("proposals", "0006_events_share_transition_event"),
    ("supervision", "0003_events_share_transition_event"),
    ("consultations", "0001_initial"),
]


def owned_models():
    return [
        model
        for label in BUSINESS_APPS
        for model in apps.get_app_config(label).get_models()
        if any(field.name == "tenant" for field in model._meta.fields)
    ]


def row_counts():
    """Every business table's rows, whichever committee they belong to."""
    with committees.across_committees():
        return {
            model._meta.label: model._default_manager.count()
            for label in BUSINESS_APPS
            for model in apps.get_app_config(label).get_models()
        }


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_ten_years_of_one_committee_become_committee_number_one_without_losing_a_row():
    decade.build(last_year=2017, years=10, say=lambda message: None, scale=0.002)
    before = row_counts()
    assert sum(before.values()) > 1000
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE)
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
            assert "core_committee" not in tables
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, "proposals_proposal")
            ]
            assert "tenant_id" not in columns
    finally:
        migrate(latest)
    committees.forget()

    assert row_counts() == before
    one = committees.default()
    assert one.pk == 1 and one.name == "中国人民政治协商会议北京市东城区委员会"
    owned = owned_models()
    assert len(owned) >= 20
    for model in owned:
        assert model._default_manager.exclude(tenant=one).count() == 0, model._meta.label
    with_rows = [model._meta.label for model in owned if before[model._meta.label]]
    assert len(with_rows) >= 12, with_rows
    assert sum(before[label] for label in with_rows) > 400


# The leaf migrations of the previous release (c65d50d): committees and ownership, nothing after.
PREVIOUS_RELEASE = [
    ("core", "0012_committee"),
    ("workplan", "0004_committee_ownership"),
    ("members", "0010_committee_ownership"),
    ("meetings", "0002_committee_ownership"),
    ("proposals", "0007_committee_ownership"),
    ("supervision", "0004_committee_ownership"),
    ("consultations", "0002_committee_ownership"),
    ("dashboard", "0002_refresh_schedule"),
]


def test_an_installation_of_the_previous_release_migrates_forward():
    # A run_before that put a new core migration ahead of the ownership migrations made `migrate`
    # refuse such an installation (InconsistentMigrationHistory); the bench database found it.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(PREVIOUS_RELEASE)
        applied = MigrationRecorder(connection).applied_migrations()
        assert all(node in applied for node in PREVIOUS_RELEASE)  # the release's state exactly
        MigrationExecutor(connection).loader.check_consistent_history(connection)
    finally:
        migrate(latest)
    assert committees.default().is_active
