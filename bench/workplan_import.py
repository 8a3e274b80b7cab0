"""Importing the 20-item work plan: parsing each format, then storing it (target: under a second).

The documents are written by the test corpus (tests/workplan/corpus.py): the shipped 2017 plan as
text, as text copied from a web page, as Word with automatic numbering, and as a PDF with running
headers and page numbers. Each is parsed REPEAT times (median reported); the parsed plan is then
stored by services.plan_import into an empty year inside a transaction that is rolled back, so the
database keeps only what it had. Run: DATABASE_URL=postgres://… python bench/workplan_import.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from tests.workplan import corpus  # noqa: E402
from workplan.importing import parse_bytes  # noqa: E402
from workplan.services import plan_import  # noqa: E402

REPEAT = int(os.environ.get("BENCH_PLAN_REPEAT", "5"))
BENCH_YEAR = 2099  # a year no real plan uses, so the store step always creates a plan


class Rollback(Exception):
    """Raised to leave the measuring transaction without keeping its rows."""


def median_seconds(action) -> float:
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    plan = corpus.reference()
    plan.sign_off = corpus.SIGN_OFF
    documents = {
        "text (.txt, the shipped file)": (corpus.PLAN_FILE.read_bytes(), "plan.txt"),
        "web text, one paragraph per line": (corpus.web_text(plan).encode("utf-8"), "plan.txt"),
        "Word (.docx), automatic numbering": (corpus.word(plan), "plan.docx"),
        "PDF, headers and page numbers": (corpus.pdf(plan), "plan.pdf"),
    }
    parse_bytes(*documents["Word (.docx), automatic numbering"])  # load python-docx and lxml once
    parse_bytes(*documents["PDF, headers and page numbers"])
    rows = [
        "| document | bytes | parse, median (ms) | store (ms) | total (ms) | under 1 s |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, (data, file_name) in documents.items():
        parsed = parse_bytes(data, file_name)
        assert len(parsed.items) == 20, name
        parse = median_seconds(lambda data=data, file_name=file_name: parse_bytes(data, file_name))
        parsed.year = BENCH_YEAR
        start = time.perf_counter()
        try:
            with transaction.atomic():
                plan_import(parsed=parsed)
                store = time.perf_counter() - start
                raise Rollback
        except Rollback:
            pass
        total = parse + store
        rows.append(
            f"| {name} | {len(data):,} | {parse * 1000:.0f} | {store * 1000:.0f} | {total * 1000:.0f} | "
            f"{'yes' if total < 1 else 'NO'} |"
        )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
