"""DATABASE_POOLER: the portal behind PgBouncer in transaction mode keeps no state on a server
connection between transactions (docs/deployment.md). The live check through a real PgBouncer is
tests/live/test_pooler.py."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cppcc_portal import env

ROOT = Path(__file__).resolve().parents[2]
URL = "postgres://app@db.local:6432/cppcc"


def test_a_transaction_pooler_switches_server_side_cursors_off():
    assert env.database_from_url(URL, pooler="transaction")["DISABLE_SERVER_SIDE_CURSORS"] is True


@pytest.mark.parametrize("pooler", ["none", "session"])
def test_directly_or_behind_a_session_pooler_server_side_cursors_stay(pooler):
    assert env.database_from_url(URL, pooler=pooler)["DISABLE_SERVER_SIDE_CURSORS"] is False


def test_the_pooler_setting_reads_its_words_and_refuses_others(monkeypatch):
    monkeypatch.delenv("DATABASE_POOLER", raising=False)
    assert env.env_pooler("DATABASE_POOLER") == "none"
    monkeypatch.setenv("DATABASE_POOLER", " Transaction ")
    assert env.env_pooler("DATABASE_POOLER") == "transaction"
    monkeypatch.setenv("DATABASE_POOLER", "statement")
    with pytest.raises(
        ImproperlyConfigured, match="DATABASE_POOLER must be one of none, session, transaction"
    ):
        env.env_pooler("DATABASE_POOLER")


def test_a_pooler_in_front_of_sqlite_is_refused():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOLER is for PostgreSQL"):
        env.database_from_url("sqlite:////tmp/x.sqlite3", pooler="transaction")


def test_the_portal_refuses_to_start_with_a_pooler_but_no_database_url(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environment.update(
        {
            "DATABASE_POOLER": "transaction",
            "VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "cppcc_portal.settings",
        }
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "DATABASE_POOLER needs DATABASE_URL" in done.stderr


def _python_sources():
    for folder in (
        "cppcc_portal",
        "workplan",
        "members",
        "meetings",
        "proposals",
        "supervision",
        "consultations",
    ):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


# What would tie a client to one server connection beyond its transaction (PgBouncer's list of
# features that transaction pooling breaks): session settings, advisory locks taken outside a
# transaction's scope, LISTEN/NOTIFY, held cursors, named prepared statements.
SESSION_STATE = re.compile(
    r"\b(SET\s+(SESSION\s+)?(?!LOCAL\b)(TIME\s+ZONE|search_path|statement_timeout|lock_timeout|ROLE|"
    r"application_name|synchronous_commit|session_replication_role|work_mem)\b|pg_advisory_lock|"
    r"pg_try_advisory_lock|(?-i:\bLISTEN\s+\w)|(?-i:UNLISTEN)|WITH\s+HOLD|PREPARE\s+\w+\s+AS|DEALLOCATE)",
    re.IGNORECASE,
)


def test_no_code_of_the_portal_keeps_session_state_on_a_server_connection():
    found = []
    for path in _python_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and SESSION_STATE.search(node.value)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:80]!r}")
    assert found == []


def test_the_audit_finds_session_state_when_there_is_some():
    assert SESSION_STATE.search("SET statement_timeout = 0")
    assert SESSION_STATE.search("select pg_advisory_lock(42)")
    assert SESSION_STATE.search("LISTEN portal_events")
    assert not SESSION_STATE.search("SET LOCAL statement_timeout = 0")
    assert not SESSION_STATE.search("Signals other apps listen to")
    assert not SESSION_STATE.search("UPDATE core_notification SET state = %s")


def test_a_backup_through_a_transaction_pooler_is_refused_with_what_to_do(db, backup_settings):
    from django.core.management import CommandError, call_command

    backup_settings.DATABASE_POOLER = "transaction"
    with pytest.raises(CommandError, match="backups need a direct connection to PostgreSQL"):
        call_command("backup")
    assert not list(backup_settings.BACKUP_DIR.iterdir())
