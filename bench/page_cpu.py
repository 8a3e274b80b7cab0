"""Python CPU per request of some pages, in-process: what docs/benchmarks.md's issue-21 table measures.

Django's test client, the portal's settings with DEBUG=0, the ten-year database `cppcc_bench` (built by
`make bench`; this script only reads it and signs a bench account in), Redis cache. Each page is asked
for a few times to warm up, then `--requests` times; printed: ms of `time.process_time()` per request,
the number of SQL queries of one request and the answer's size. A load-independent figure for comparing
code on a busy machine (wrk's latencies are not).

Usage (from the project's root):
    .venv/bin/python bench/page_cpu.py --user bench_member /portal/ /units/
    .venv/bin/python bench/page_cpu.py --user bench_staff /meetings/{meeting}/
`{topic}` and `{meeting}` stand for the pages bench/run.py measures (the latest topic, the latest
meeting that is not one of the burst's). Environment: DATABASE_URL (default cppcc_bench), REDIS_URL
(default redis://127.0.0.1:6379/14).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cppcc_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("CACHE_KEY_PREFIX", "pagecpu")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-bench-only-secret-key-0123456789")
os.environ.update(
    {
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DJANGO_SETTINGS_MODULE": "cppcc_portal.settings",
    }
)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from consultations.models import ConsultationTopic  # noqa: E402
from cppcc_portal.core import committees, passwords, two_factor  # noqa: E402
from meetings.models import Meeting  # noqa: E402


def signed_in(username: str) -> Client:
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    session = client.session
    session.pop(two_factor.SESSION_FLAG, None)
    session.pop(passwords.SESSION_FLAG, None)
    session.save()
    return client


def fill(path: str) -> str:
    # The bench's pages are the installation committee's; read them the way a command does.
    with committees.working_for(committees.default()):
        return _fill(path)


def _fill(path: str) -> str:
    if "{topic}" in path:
        topic = ConsultationTopic.objects.order_by("-year", "-pk").values_list("pk", flat=True).first()
        path = path.replace("{topic}", str(topic))
    if "{meeting}" in path:
        sys.path.insert(0, str(ROOT / "bench"))
        import meetings_burst

        meeting = (
            Meeting.objects.exclude(title=meetings_burst.TITLE)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        path = path.replace("{meeting}", str(meeting))
    return path


def measure(client: Client, path: str, requests: int, warmups: int) -> tuple[float, int, int]:
    for _ in range(warmups):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: answered {response.status_code}, not 200")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    count = len(queries)  # now: the captured list is read from the connection, which the next request resets
    started = time.process_time()
    for _ in range(requests):
        client.get(path)
    ms = (time.process_time() - started) * 1000 / requests
    return ms, count, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="+")
    parser.add_argument(
        "--user", required=True, help="e.g. bench_member, bench_unit, bench_staff, bench_leader"
    )
    parser.add_argument("--requests", type=int, default=25)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1, help="measure each page this many times, print each")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after measuring, print the N functions of most own time (cProfile) over --requests requests",
    )
    args = parser.parse_args()
    client = signed_in(args.user)
    for raw in args.paths:
        path = fill(raw)
        for _ in range(args.rounds):
            ms, queries, size = measure(client, path, args.requests, args.warmups)
            print(f"{ms:7.2f} ms CPU  {queries:3d} queries  {size / 1024:6.1f} KB  {path}", flush=True)
        if args.profile:
            profile(client, path, args.requests, args.profile)


def profile(client: Client, path: str, requests: int, top: int) -> None:
    """Where one page's time goes: own time and cumulative time of its busiest functions."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(order).print_stats(top)
        print(stream.getvalue(), flush=True)


if __name__ == "__main__":
    main()
