"""Schemathesis against the live stage, as a caller outside would: every check, every role, 0 failures.

The `st run` command line fuzzes the schema the server publishes at /api/schema/ with all its
checks, over HTTP, against gunicorn on PostgreSQL with the Celery worker behind it. No check is
excluded; one is widened for two operations (schemathesis.toml: the file uploads, whose bytes are
sniffed for their real type, may refuse a random file with a 400). A business rule that refuses a
schema-valid body answers 409 (the request conflicts with the server's current state, an
Idempotency-Key already bound included), a well-formed id of no row is a 404 wherever it is sent,
query parameters carry their accepted ranges, and every status an operation can answer is in the
schema.

Two budgets, the same checks. In `make test` (plain pytest) each role runs the examples, fuzzing and
stateful phases with FUZZ_EXAMPLES examples per operation (default 1), so the five roles add a few
minutes. `make test-fuzz` sets FUZZ_PHASES to all four phases, adding schemathesis's coverage
phase (every boundary and type case the schema defines, about 3.5 minutes per role on its own),
and FUZZ_EXAMPLES=5. On a failure the assertion lists each operation with the check that failed;
the full report with `st replay` ids stays under var/live-stage-*/schemathesis-<role>/.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.live, pytest.mark.fuzz]

ST = Path(sys.executable).parent / "st"
# Widens what positive_data_acceptance takes for the two file uploads only, with the reason there.
CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "1")
PHASES = os.environ.get("FUZZ_PHASES", "examples,fuzzing,stateful")
ROLES = ["staff", "leader", "member", "unit", None]


def failures_in(output: str) -> list[str]:
    """'METHOD /path: STxxx title' for every failure the report prints."""
    found, operation = [], None
    for line in output.splitlines():
        heading = re.match(r"^_+ (.+?) _+$", line)
        if heading:
            operation = heading.group(1)
            continue
        check = re.match(r"^- (ST\d+ .+)$", line)
        if check and operation:
            found.append(f"{operation}: {check.group(1)}")
    return sorted(set(found))


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_the_published_schema_holds_for_every_answer_the_live_server_gives(live_stage, role):
    report_dir = live_stage.var_dir / f"schemathesis-{role or 'anonymous'}"
    command = [
        str(ST),
        "--config-file",
        str(CONFIG),
        "run",
        f"{live_stage.url}/api/schema/?format=json",
        "--checks",
        "all",
        "--phases",
        PHASES,
        "--max-examples",
        EXAMPLES,
        "--seed",
        "20260613",
        # One thread: with two, hypothesis describing its strategies in both at once trips CPython
        # 3.11's "AST constructor recursion depth mismatch" (an error of the fuzzer, not the portal).
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-shrink",
        "--suppress-health-check",
        "all",
        "--report",
        "json",
        "--report-dir",
        str(report_dir),
        "--output-truncate",
        "true",
    ]
    if role is not None:
        command += ["--header", f"Authorization: Token {live_stage.tokens[role]}"]
    # st keeps a cache in its working directory: the session's temporary one, not the checkout.
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=live_stage.var_dir)
    output = result.stdout + result.stderr
    (report_dir / "output.txt").write_text(output)
    reports = sorted(report_dir.glob("json-*.json"))
    assert reports, output[-3000:]
    summary = json.loads(reports[-1].read_text())
    failures = failures_in(output)
    assert not summary["failures"] and not failures and result.returncode == 0, (
        f"{len(failures)} failures as {role or 'anonymous'} (report: {report_dir}):\n"
        + "\n".join(failures)
        + "\n\n"
        + output[-6000:]
    )
