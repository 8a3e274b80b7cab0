"""A plenary's check-in burst on the scaled-out stage, with one and with two web instances, and with faults.

    DATABASE_URL=postgres://…/cppcc_bench_city REDIS_URL=redis://… python bench/scale_burst.py \
        [--district xicheng] [--markdown]

Issue 20's scenario: on the city built by `seed_demo --committees 17 --years 10` (bench/run.py
builds it), the plenary is one district's (``--district``): its members have a seat there and check
in at ``/c/<district>/api/…``, as the district's door screens do; meanwhile a city leader (a seat in
the city only) reads the roll-up (``/c/<city>/dashboard/committees/``) and the drill-down into that
district in a loop. ``--district ''`` runs the single-committee burst of one installation (the
leader reads ``/dashboard/``).

Each phase starts the stage of bin/scale-stage (bench/stage.py: PgBouncer in transaction mode,
gunicorn instances behind nginx, the notifications worker, the background worker and beat), opens
a fresh plenary session for the burst's members (bench/meetings_burst.py's `prepare`) and queues
NOTIFICATIONS due e-mails. Then, all at once through nginx: every member checks in (client threads,
each request with its own Idempotency-Key, retried on a 5xx or a broken connection as a door
scanner would), a leader reads the dashboard in a loop, and the notification sweep is asked to run
every few seconds (beat asks once a minute). Phases:

- ``one``: one web instance; ``two``: two instances (same gunicorn size each);
- ``fault``: two instances; when a third of the check-ins are in, web instance 1 and the
  notifications worker are killed with SIGKILL, and started again 5 s later (systemd's
  Restart=always does that in deploy/systemd/).

After each phase: every member's check-in must be recorded exactly once (participations present,
duty records, none twice), every notification must be sent, with its e-mail written once (a worker
killed between the mail server's acceptance and the record may leave one e-mail sent twice, with the
same Message-ID: docs/reliability.md; counted here, not hidden). Prints JSON, or a Markdown section
with --markdown (bench/run.py puts it in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
# The bench process signs the door codes and the leader's session; the stage must check them.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc_portal.settings")
for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
    os.environ.setdefault(name, "0")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from meetings_burst import PREFIX, load_average, prepare  # noqa: E402
from stage import Stage  # noqa: E402

KIND = "bench.scale"
HEADER = re.compile(r"^X-Portal-Notification: (\d+)$", re.MULTILINE)
# The stage's settings for the run: a claim of a killed worker is taken over after 70 s (above the
# delivering task's 60 s hard limit, as the setting requires), not 10 minutes.
# An Idempotency-Key left by a killed request is given back after 15 s (the burst's requests take a
# few seconds; production keeps 120 s, above gunicorn's --timeout).
STAGE_ENV = {
    "NOTIFICATION_CLAIM_TIMEOUT_SECONDS": "70",
    "NOTIFICATION_SWEEP_GRACE_SECONDS": "0",
    "IDEMPOTENCY_IN_PROGRESS_SECONDS": "15",
}


def percentile(values: list[float], share: float) -> int:
    ordered = sorted(values) or [0.0]
    return round(ordered[max(int(len(ordered) * share) - 1, 0)] * 1000)


def request(url: str, *, body: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
    """The answer's status and error code (0 and "" when the connection broke)."""
    data = json.dumps(body).encode() if body is not None else None
    call = urllib.request.Request(  # noqa: S310 - our own server
        url, data=data, method="POST" if body is not None else "GET", headers=headers or {}
    )
    if body is not None:
        call.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(call, timeout=60) as response:  # noqa: S310 - our own server
            response.read()
            return response.status, ""
    except urllib.error.HTTPError as exc:
        try:
            code = json.loads(exc.read() or b"{}").get("code", "")
        except ValueError:
            code = ""
        return exc.code, code
    except OSError:
        return 0, ""  # connection refused or reset: the instance died under the request


def queue_notifications(count: int, tokens_users: list, run: str) -> list[int]:
    from django.utils import timezone

    from cppcc_portal.core.models import Notification

    now = timezone.now()
    rows = [
        Notification(
            recipient=tokens_users[n % len(tokens_users)],
            kind=KIND,
            dedupe_key=f"{KIND}:{run}:{n}",
            title=f"全体会议材料已发布 {n}",
            body="请登录履职平台查阅全体会议文件。",
            link="/portal/",
            due_at=now,
            inbox_at=now,
            send_email=True,
        )
        for n in range(count)
    ]
    return [row.pk for row in Notification.objects.bulk_create(rows)]


def dashboard_cookie(city=None) -> str:
    """A leader's session: the city's (a seat in the city only) when ``city`` is given."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from cppcc_portal.core import committees, passwords, roles, two_factor

    username = "bench_city_leader" if city is not None else "bench_scale_leader"
    leader, _ = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    leader.groups.add(roles.ensure_groups()[roles.LEADER])
    if city is not None:
        committees.seat_add(actor=None, user=leader, committee=city)
    client = Client()
    client.force_login(leader)
    # Signed in as after the second factor, with a password of their own (bench/run.py does the same).
    session = client.session
    session.pop(two_factor.SESSION_FLAG, None)
    session.pop(passwords.SESSION_FLAG, None)
    session.save()
    return client.cookies["sessionid"].value


def city_and_district(slug: str):
    """The district whose plenary it is and the city above it (None, None: one installation)."""
    from cppcc_portal.core.models import Committee

    if not slug:
        return None, None
    district = Committee.objects.filter(slug=slug).select_related("parent").first()
    if district is None or district.parent is None:
        sys.exit(f"scale_burst: no district {slug!r} under a city: build it with seed_demo --committees 17")
    return district.parent, district


def seat_burst_people(district) -> None:
    """The burst's members and its office get a seat in the district (their own committee).

    In bulk, without committees.seat_add's audit row per seat: bench set-up, as prepare()'s rows;
    the cached seats are then forgotten, as seat_add's signal would."""
    from django.contrib.auth import get_user_model

    from cppcc_portal.core import committees
    from cppcc_portal.core.models import CommitteeSeat

    users = get_user_model().objects.filter(username__startswith=PREFIX)
    have = set(CommitteeSeat.objects.filter(committee=district).values_list("user_id", flat=True))
    CommitteeSeat.objects.bulk_create(
        [
            CommitteeSeat(user_id=pk, committee=district)
            for pk in users.values_list("pk", flat=True)
            if pk not in have
        ]
    )
    committees.forget()


def run_phase(name: str, args, var_root: Path) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from cppcc_portal.core import committees
    from cppcc_portal.core.models import Notification, NotificationDelivery
    from meetings import checkin
    from meetings.models import MeetingSession
    from members.models import Activity, DutyRecord, Participation

    city, district = city_and_district(args.district)
    in_district = committees.working_for(district) if district is not None else contextlib.nullcontext()
    with in_district:
        session_id, _motion_id, tokens, _staff_cookie, _motion = prepare(args.size)
    if district is not None:
        seat_burst_people(district)
    users = list(get_user_model().objects.filter(username__startswith="bench_meeting_0").order_by("username"))
    get_user_model().objects.filter(pk__in=[u.pk for u in users], email="").update(email="bench@example.org")
    users = list(get_user_model().objects.filter(pk__in=[u.pk for u in users]))
    run = uuid.uuid4().hex[:8]
    notification_ids = queue_notifications(args.notifications, users, run)
    cookie = dashboard_cookie(city)
    web = 1 if name == "one" else 2
    shutil.rmtree(var_root / name, ignore_errors=True)
    stage = Stage(
        database_url=os.environ["DATABASE_URL"],
        redis_url=os.environ["REDIS_URL"],
        var_dir=var_root / name,
        web=web,
        web_workers=args.web_workers,
        web_threads=4,
        extra_env=STAGE_ENV,
    )
    from cppcc_portal.core.tasks import sweep_due_notifications

    stage.start()
    faults: list[str] = []
    try:
        base = stage.url
        done = Counter()
        lock = threading.Lock()
        stop = threading.Event()
        reads: list[tuple[str, int, float]] = []
        if district is not None:
            # The city's leader, working in the city: the roll-up of every district, then the drill-down.
            pages = [
                ("roll-up", f"{base}/c/{city.slug}/dashboard/committees/"),
                ("drill-down", f"{base}/c/{city.slug}/dashboard/committees/{district.slug}/"),
            ]
        else:
            pages = [("dashboard", f"{base}/dashboard/")]

        def read_dashboard():
            while not stop.is_set():
                for page, address in pages:
                    started = time.perf_counter()
                    status, _code = request(address, headers={"Cookie": f"sessionid={cookie}"})
                    reads.append((page, status, time.perf_counter() - started))

        def sweep_often():
            while not stop.wait(3):
                try:
                    sweep_due_notifications.apply_async(retry=False)
                except Exception:  # noqa: BLE001, S110 - the broker is not what is measured here
                    pass

        def fault():
            with lock:
                if faults or done["finished"] < args.size // 3:
                    return
                faults.append("web1")
            stage.processes["web1"].kill()
            stage.processes["worker-notifications"].kill()
            faults.append("worker-notifications")
            time.sleep(5)
            stage.restart("web1")
            stage.restart("worker-notifications")
            faults.append("restarted")

        # The district's door screens speak to the district's address, as its clients do.
        prefix = f"/c/{district.slug}" if district is not None else ""
        url = f"{base}{prefix}/api/v1/meetings/sessions/{session_id}/check-in/"

        def check_in(token: str):
            # The code the door screen shows when the member scans it; a retry sends the same
            # request with the same key (a killed request's key is given back after the lease).
            key = uuid.uuid4().hex
            window = checkin.current_window()
            body = {"window": window, "code": checkin.signature(session_id, window)}
            started = time.perf_counter()
            attempts, status = 0, 0
            while attempts < 40:
                attempts += 1
                status, code = request(
                    url, body=body, headers={"Authorization": f"Token {token}", "Idempotency-Key": key}
                )
                if status and status < 500 and code != "idempotency_in_progress":
                    break
                time.sleep(1)
            with lock:
                done["finished"] += 1
            if name == "fault":
                threading.Thread(target=fault, daemon=True).start()
            return f"{status} {code}".strip(), time.perf_counter() - started, attempts

        readers = [threading.Thread(target=read_dashboard, daemon=True) for _ in range(args.readers)]
        sweeper = threading.Thread(target=sweep_often, daemon=True)
        load_before = load_average()
        for thread in (*readers, sweeper):
            thread.start()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            results = list(pool.map(check_in, tokens[: args.size]))
        elapsed = time.perf_counter() - started
        load_after = load_average()
        # The dashboard readers stop with the burst; the sweep goes on until every row is sent.
        stop.set()
        for thread in readers:
            thread.join(timeout=60)
        deadline = time.monotonic() + args.deliver_timeout
        pending = Notification.objects.filter(pk__in=notification_ids).exclude(state="sent")
        sweeper_after = threading.Event()

        def sweep_until_done():
            while not sweeper_after.wait(3):
                try:
                    sweep_due_notifications.apply_async(retry=False)
                except Exception:  # noqa: BLE001, S110
                    pass

        helper = threading.Thread(target=sweep_until_done, daemon=True)
        helper.start()
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(2)
        delivered_after = round(time.perf_counter() - started, 1)
        sweeper_after.set()
    finally:
        stage.stop()
    # Counted across committees: a check-in recorded in another committee would be a leak, not a save.
    with committees.across_committees():
        activity_id = MeetingSession.objects.get(pk=session_id).activity_id
        duty = DutyRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(Activity), object_id=activity_id
        ).aggregate(rows=Count("pk"), members=Count("member", distinct=True))
        present = Participation.objects.filter(activity_id=activity_id, attendance="present").count()
        elsewhere = (
            Participation.objects.filter(activity_id=activity_id).exclude(activity__tenant=district).count()
            if district is not None
            else 0
        )
    mails: Counter = Counter()
    mail_dir = stage.var_dir / "mail"
    wanted = set(notification_ids)
    if mail_dir.exists():
        for path in mail_dir.iterdir():
            mails.update(i for i in map(int, HEADER.findall(path.read_text(errors="replace"))) if i in wanted)
    sent = Notification.objects.filter(pk__in=notification_ids, state="sent").count()
    records = NotificationDelivery.objects.filter(notification_id__in=notification_ids, channel="email")
    statuses = Counter(status for status, _latency, _attempts in results)
    latencies = [latency for _status, latency, _attempts in results]

    def page_figures(page: str) -> dict:
        mine = [(status, latency) for name, status, latency in reads if name == page]
        ok = [latency for status, latency in mine if status == 200]
        return {
            "reads": len(mine),
            "per_second": round(len(mine) / elapsed, 1),
            "statuses": dict(Counter(status for status, _latency in mine)),
            "p50_ms": round(statistics.median(ok) * 1000) if ok else None,
            "p99_ms": percentile(ok, 0.99) if ok else None,
        }

    return {
        "phase": name,
        "web_instances": web,
        "check_ins": {
            "requests": len(results),
            "seconds": round(elapsed, 1),
            "per_second": round(len(results) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies) * 1000),
            "p99_ms": percentile(latencies, 0.99),
            "statuses": dict(statuses),
            "retried": sum(1 for *_rest, attempts in results if attempts > 1),
        },
        "district": district.slug if district is not None else None,
        "city": city.slug if city is not None else None,
        "pages": {page: page_figures(page) for page, _address in pages},
        "load_average": [load_before, load_after],
        "faults": faults,
        "recorded": {
            "present": present,
            "duty_records": duty["rows"],
            "check_in_duplicates": duty["rows"] - duty["members"],
            "outside_the_district": elsewhere,
        },
        "notifications": {
            "queued": len(notification_ids),
            "sent": sent,
            "email_records": records.count(),
            "emails_written": sum(mails.values()),
            "emailed_once": sum(1 for i in notification_ids if mails[i] == 1),
            "emailed_twice_or_more": sum(1 for i in notification_ids if mails[i] > 1),
            "not_emailed": sum(1 for i in notification_ids if mails[i] == 0),
            "all_sent_after_s": delivered_after,
        },
        "every_check_in_once": present == args.size
        and duty["rows"] == args.size == duty["members"]
        and not elsewhere,
    }


PHASES = {
    "one": "one instance",
    "two": "two instances",
    "fault": "two, web 1 and the notifications worker killed",
}


def markdown(results: list[dict], args, database: str, data_set: str = "") -> str:
    first = results[0]
    if first.get("district"):
        scene = (
            f"{args.size} members of the district `{first['district']}` check in to its plenary at "
            f"`/c/{first['district']}/api/v1/meetings/sessions/<id>/check-in/` through nginx from "
            f"{args.threads} client threads, while {args.readers} leader(s) of the city (a seat in "
            f"`{first['city']}` only) read the roll-up `/c/{first['city']}/dashboard/committees/` and the "
            f"drill-down `/c/{first['city']}/dashboard/committees/{first['district']}/` in turn, in a loop"
        )
    else:
        scene = (
            f"{args.size} members check in through nginx from {args.threads} client threads while "
            f"{args.readers} leader(s) read the dashboard in a loop"
        )
    lines = [
        f"The stage of `bin/scale-stage` (PgBouncer in transaction mode, nginx, gunicorn instances of "
        f"{args.web_workers} workers × 4 threads, a notifications worker, a background worker, beat) on "
        f"database `{database}`{data_set}. {scene}; the sweep delivers {args.notifications} queued "
        f"e-mails meanwhile (asked every 3 s). `make bench` (bench/scale_burst.py).",
        "",
        "Per page (the readers' pages are read while the burst lasts):",
        "",
        "| phase | web instances | page | requests | per second | p50 / p99 (ms) | answers |",
        "|---|---:|---|---:|---:|---|---|",
    ]

    def answers(statuses: dict) -> str:
        return ", ".join(f"{status} ×{count}" for status, count in sorted(statuses.items()))

    for r in results:
        c = r["check_ins"]
        label = PHASES[r["phase"]]
        lines.append(
            f"| {label} | {r['web_instances']} | check-in | {c['requests']} | {c['per_second']} | "
            f"{c['p50_ms']} / {c['p99_ms']} | {answers(c['statuses'])} ({c['retried']} retried) |"
        )
        for page, d in r["pages"].items():
            lines.append(
                f"| {label} | {r['web_instances']} | {page} | {d['reads']} | {d['per_second']} | "
                f"{d['p50_ms']} / {d['p99_ms']} | {answers(d['statuses'])} |"
            )
    lines += [
        "",
        "Nothing lost, nothing doubled:",
        "",
        "| phase | check-ins recorded (twice) | recorded outside the district | notifications sent / "
        "e-mailed once / twice | all sent after (s) | load avg | every check-in once |",
        "|---|---|---:|---|---:|---|---|",
    ]
    for r in results:
        c, n, rec = r["check_ins"], r["notifications"], r["recorded"]
        lines.append(
            f"| {PHASES[r['phase']]} | {rec['present']} / {c['requests']} ({rec['check_in_duplicates']}) | "
            f"{rec.get('outside_the_district', 0)} | {n['sent']} / {n['emailed_once']} / "
            f"{n['emailed_twice_or_more']} of {n['queued']} | {n['all_sent_after_s']} | "
            f"{r['load_average'][0]} → {r['load_average'][1]} | {'yes' if r['every_check_in_once'] else 'NO'}"
            + (f"; killed: {', '.join(f for f in r['faults'] if f != 'restarted')}" if r["faults"] else "")
            + " |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=400, help="members checking in per phase")
    parser.add_argument("--notifications", type=int, default=1000, help="e-mails queued per phase")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--readers", type=int, default=1)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--phases", default="one,two,fault")
    parser.add_argument("--deliver-timeout", type=int, default=300)
    parser.add_argument(
        "--district",
        default=os.environ.get("BENCH_SCALE_DISTRICT", "xicheng"),
        help="the district whose plenary it is ('': one installation's single committee)",
    )
    parser.add_argument(
        "--data-set", default="", help="what the database holds and how it was built (for --markdown)"
    )
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    var_root = Path(os.environ.get("VAR_DIR") or ROOT / "var") / "scale-bench"
    results = []
    for name in args.phases.split(","):
        result = run_phase(name, args, var_root)
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), file=sys.stderr, flush=True)
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    print(
        markdown(results, args, database, args.data_set)
        if args.markdown
        else json.dumps(results, ensure_ascii=False, indent=2)
    )


if __name__ == "__main__":
    main()
