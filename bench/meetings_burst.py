"""The burst of a plenary's door and of a vote: 500 check-ins and 500 ballots against gunicorn.

    DATABASE_URL=postgres://… REDIS_URL=redis://… python bench/meetings_burst.py --port 8120

It prepares (once, idempotently) 500 members with API tokens, a meeting of named members with a
session in progress and an open motion, starts gunicorn on the given port, and sends every member's
check-in and then every member's ballot from a pool of client threads, while one more thread reads
the leaders' dashboard. It reports p50/p99/max latency and checks that each check-in and each ballot
was recorded exactly once. Not part of `make test`: it needs a PostgreSQL database of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc_portal.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

PREFIX = "bench_meeting_"
TITLE = "压测：全体会议签到与表决"


def prepare(size: int):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from cppcc_portal.core import roles
    from meetings import services
    from meetings.choices import AgendaKind, Body, MeetingKind
    from meetings.models import Meeting, Motion
    from members.models import Member, Party, Sector, Term

    User = get_user_model()
    groups = roles.ensure_groups()
    staff, _ = User.objects.get_or_create(username=f"{PREFIX}staff", defaults={"is_staff": True})
    staff.groups.add(groups[roles.STAFF])
    party, _ = Party.objects.get_or_create(name="无党派人士")
    sector, _ = Sector.objects.get_or_create(name="压测界别")
    term, _ = Term.objects.get_or_create(
        number=14, defaults={"starts_on": "2017-01-01", "ends_on": "2021-12-31"}
    )
    members = []
    for i in range(size):
        user, _ = User.objects.get_or_create(username=f"{PREFIX}{i:04d}")
        user.groups.add(groups[roles.MEMBER])
        member, _ = Member.objects.get_or_create(
            member_number=f"B{i:05d}",
            defaults={
                "user": user,
                "name": f"压测委员{i}",
                "gender": "male",
                "party": party,
                "sector": sector,
                "term": term,
            },
        )
        members.append(member)
    # A fresh meeting each run, so every check-in and ballot is new.
    Meeting.objects.filter(title=TITLE, status="called").update(status="closed")
    meeting = services.meeting_save(
        meeting=Meeting(title=TITLE, kind=MeetingKind.PLENARY, body=Body.NAMED), actor=staff
    )
    meeting.named_members.add(*members)
    session = services.session_add(
        meeting=meeting, date=timezone.localdate(), half_day="evening", place="会堂", actor=staff
    )
    item = services.agenda_item_add(session=session, kind=AgendaKind.VOTE, title="表决", actor=staff)
    services.meeting_call(meeting=meeting, actor=staff)
    services.session_open(session=session, actor=staff)
    motion = services.motion_create(agenda_item=item, title="压测决议", actor=staff, secret=True)
    services.motion_open(motion=motion, actor=staff)
    tokens = [Token.objects.get_or_create(user=m.user)[0].key for m in members]
    from django.test import Client

    client = Client()
    client.force_login(staff)
    return session.pk, motion.pk, tokens, client.cookies["sessionid"].value, Motion


def post(url: str, token: str, body: dict) -> tuple[int, float]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - our own server
        url,
        data=data,
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our own server
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - start


def load_average() -> float:
    """The machine's 1-minute load average (it is shared: the figures mean little without it)."""
    return round(os.getloadavg()[0], 1)


def burst(name: str, calls, threads: int) -> dict:
    load_before = load_average()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(lambda call: call(), calls))
    elapsed = time.perf_counter() - started
    latencies = sorted(r[1] for r in results)
    statuses = {}
    for status, _latency in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "burst": name,
        "requests": len(results),
        "seconds": round(elapsed, 1),
        "per_second": round(len(results) / elapsed, 1),
        "load_average": [load_before, load_average()],
        "statuses": statuses,
        "p50_ms": round(statistics.median(latencies) * 1000),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000),
        "max_ms": round(latencies[-1] * 1000),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8120)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--no-dashboard", action="store_true", help="without the concurrent dashboard reads (for comparison)"
    )
    args = parser.parse_args()
    session_id, motion_id, tokens, staff_cookie, Motion = prepare(args.size)
    from meetings import checkin
    from members.models import Participation

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cppcc_portal.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        stop = threading.Event()
        reads = []

        def read_dashboard():
            while not stop.is_set():
                request = urllib.request.Request(  # noqa: S310 - our own server
                    f"{base}/dashboard/", headers={"Cookie": f"sessionid={staff_cookie}"}
                )
                start = time.perf_counter()
                try:
                    urllib.request.urlopen(request, timeout=30).read()  # noqa: S310
                except OSError:
                    pass
                reads.append(time.perf_counter() - start)

        reader = threading.Thread(target=read_dashboard, daemon=True)
        if not args.no_dashboard:
            reader.start()
        check_in_url = f"{base}/api/v1/meetings/sessions/{session_id}/check-in/"

        def check_in(token):
            def call():
                # The code the door screen shows at the moment the member scans it.
                window = checkin.current_window()
                return post(
                    check_in_url, token, {"window": window, "code": checkin.signature(session_id, window)}
                )

            return call

        first = burst("check-in", [check_in(t) for t in tokens], args.threads)
        ballot_url = f"{base}/api/v1/meetings/motions/{motion_id}/ballot/"
        choices = ["for", "for", "against", "abstain"]
        second = burst(
            "ballot",
            [lambda t=t, i=i: post(ballot_url, t, {"choice": choices[i % 4]}) for i, t in enumerate(tokens)],
            args.threads,
        )
        stop.set()
        if reader.is_alive():
            reader.join(timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from meetings.models import MeetingSession
    from members.models import Activity, DutyRecord

    activity_id = MeetingSession.objects.get(pk=session_id).activity_id
    present = Participation.objects.filter(activity_id=activity_id, attendance="present")
    duty = DutyRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Activity), object_id=activity_id
    ).aggregate(rows=Count("pk"), members=Count("member", distinct=True))
    motion = Motion.objects.get(pk=motion_id)
    recorded = {
        "present": present.count(),
        "duty_records": duty["rows"],
        "receipts": motion.receipts.count(),
        "ballots": motion.ballots.count(),
    }
    # A row counted twice would show here: more duty records than members, more ballots than receipts.
    duplicates = {
        "check_in": duty["rows"] - duty["members"],
        "ballot": recorded["ballots"] - recorded["receipts"],
    }
    live_reads = sorted(reads) or [0]
    report = {
        "bursts": [first, second],
        "recorded": recorded,
        "dashboard_reads": {
            "count": len(reads),
            "p99_ms": round(live_reads[int(len(live_reads) * 0.99) - 1] * 1000),
        },
        "expected": args.size,
        "duplicates": duplicates,
        "every_one_recorded_once": recorded
        == {"present": args.size, "duty_records": args.size, "receipts": args.size, "ballots": args.size},
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
