"""`make bench`: latency of the main pages at one and ten years of data, the attendance import, the sweep.

For each data size it builds (once: the database is reused when it already holds the data) a
PostgreSQL database, serves the portal with gunicorn on 127.0.0.1, and measures each page with
wrk: median and p99 latency, the ratio to the floor (a trivial page behind the same
middleware and login) and the ratio to bare Django (bench/bare: `startproject`'s middleware and one
view, served the same way in the same run). Then it times the import of a 10,000-row attendance
workbook against a plain bulk_create of the same rows, runs the notification sweep and work-plan
import benchmarks and the meetings' check-in and ballot burst (bench/meetings_burst.py), and
writes docs/benchmarks.md with the machine it ran on.

Usage: python bench/run.py [--sizes 10,1] [--duration 10] [--connections 4] [--only-burst]
                           [--only-pages] [--pages portal,dashboard]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import meetings_burst

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
LAST_YEAR = 2017


def database_for(years: int) -> str:
    return "cppcc_bench" if years >= 10 else f"cppcc_bench_{years}y"


def bench_env(years: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"{PG}/{database_for(years)}",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-0123456789",
            "DJANGO_SETTINGS_MODULE": "cppcc_portal.settings",
            "CACHE_KEY_PREFIX": f"bench{years}",
            # The helper scripts in bench/ import the project: run them from its root.
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def say(message: str) -> None:
    print(message, flush=True)


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def prepare(years: int) -> dict[str, str]:
    """Create and fill the database of a data size (skipped when it is already filled)."""
    env = bench_env(years)
    name = database_for(years)
    exists = subprocess.run(
        ["psql", f"{PG}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],  # noqa: S608 - our name
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", f"{PG}/postgres", "-c", f'CREATE DATABASE "{name}"'], check=True)
    manage(env, "migrate", "--no-input", "-v0")
    started = time.monotonic()
    say(f"== data set: {years} year(s) in database {name}")
    built = manage(
        env,
        "shell",
        "-c",
        "from devdata.decade import already_built; print(already_built())",
        capture=True,
    )
    if "True" in built:
        say("   already built: reusing it")
        # A burst of an earlier run added meetings and sessions: fresh statistics, as autovacuum
        # would have them (stale ones made the member's meetings page scan 100,000 activities).
        subprocess.run(["psql", f"{PG}/{name}", "-qc", "ANALYZE"], check=True)
        return env
    manage(env, "seed_demo", "--force", "--year", str(LAST_YEAR), "--years", str(years))
    if years == 1:
        # seed_demo runs the bulk generator only for several years; one year of the same shape here.
        manage(
            env,
            "shell",
            "-c",
            f"from devdata import decade; decade.build(last_year={LAST_YEAR}, years=1, say=print)",
        )
    # Statistics for the planner, as autovacuum would gather them after a while in production.
    subprocess.run(["psql", f"{PG}/{name}", "-qc", "VACUUM ANALYZE"], check=True)
    say(f"   data ready in {time.monotonic() - started:.0f}s")
    return env


SESSION_SCRIPT = """
from django.contrib.auth import get_user_model
from django.test import Client
from consultations.models import ConsultationTopic
from cppcc_portal.core import passwords, roles, two_factor
from meetings.models import Meeting
from members.models import HandlingUnit, Member
User = get_user_model()
def account(username, role):
    user, _ = User.objects.get_or_create(username=username)
    user.groups.add(roles.ensure_groups()[role])
    if role in (roles.STAFF, roles.LEADER) and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user
leader, staff = account("bench_leader", roles.LEADER), account("bench_staff", roles.STAFF)
member_user, unit_user = account("bench_member", roles.MEMBER), account("bench_unit", roles.UNIT)
if not Member.objects.filter(user=member_user).exists():
    member = Member.objects.filter(status="in_office", user__isnull=True).order_by("id").first()
    member.user = member_user
    member.save(update_fields=["user"])
HandlingUnit.objects.order_by("id").first().accounts.add(unit_user)
for user in (leader, staff, member_user, unit_user):
    client = Client()
    client.force_login(user)
    # Signed in as after the second factor and with a password of their own (what a login of
    # staff and leaders owes first would otherwise send every page to the two-factor form).
    session = client.session
    session.pop(two_factor.SESSION_FLAG, None)
    session.pop(passwords.SESSION_FLAG, None)
    session.save()
    print(user.username, client.cookies["sessionid"].value)
# The pages of one consultation topic and one meeting: the latest of each (this year's).
print("bench_topic", ConsultationTopic.objects.order_by("-year", "-pk").values_list("pk", flat=True).first())
# Not one of the burst's meetings (bench/meetings_burst.py adds one per run, with 500 members).
meetings = Meeting.objects.exclude(title=BURST_TITLE).order_by("-pk")
print("bench_meeting", meetings.values_list("pk", flat=True).first())
"""


def sessions(env: dict) -> dict[str, str]:
    out = manage(
        env, "shell", "-c", f"BURST_TITLE = {meetings_burst.TITLE!r}\n{SESSION_SCRIPT}", capture=True
    )
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].startswith("bench_"):
            found[parts[0].removeprefix("bench_")] = parts[1]
    return found


ADMIN_FRAME = "admin changelist, no rows (reference)"
# {topic} and {meeting} are filled in with the ids SESSION_SCRIPT prints.
PAGES = [
    ("floor (ping)", "/dashboard/ping", "leader"),
    ("dashboard", "/dashboard/?year=2017", "leader"),
    ("plan page", "/plan/2017/", "leader"),
    ("portal home", "/portal/", "member"),
    ("unit workspace", "/units/", "unit"),
    ("consultations (member)", "/portal/consultations/", "member"),
    ("consultation topic (member)", "/portal/consultations/topics/{topic}/", "member"),
    ("meetings (member)", "/portal/meetings/", "member"),
    ("meetings list (leader)", "/meetings/", "leader"),
    ("meeting console (staff)", "/meetings/{meeting}/", "staff"),
    ("admin changelist (attendance)", "/admin/members/participation/", "staff"),
    ("DRF list (attendance)", "/api/v1/members/participations/", "staff"),
    # No target: the same admin page matching no row, to show what Django's admin costs by itself
    # (header, sidebar, filters, search, actions) apart from the rows.
    (ADMIN_FRAME, "/admin/members/participation/?id__exact=0", "staff"),
]


BARE_LABEL = "bare Django (bench/bare)"
# The same project with a signed-in person (bench/bare/signed_in.py): what Django itself pays to read
# the session, then for a signed-in request, the references the logged-in ping is read against.
BARE_SESSION_LABEL = "bare Django, its session read"
BARE_SIGNED_IN_LABEL = "bare Django, signed in"
BARE_LABELS = (BARE_LABEL, BARE_SESSION_LABEL, BARE_SIGNED_IN_LABEL)
# docs/benchmarks.md below this line is written by people and kept when the figures above are rewritten.
NOTES_MARK = "<!-- notes below are kept by bench/run.py -->"
# Targets of issue 21 as ratios to bare Django at ten years of data (None: no target).
BARE_TARGETS = {
    "floor (ping)": 2,
    "dashboard": 15,
    "plan page": 10,
    "portal home": 10,
    "unit workspace": 10,
    "consultations (member)": 10,
    "consultation topic (member)": 10,
    "meetings (member)": 10,
    "meetings list (leader)": 10,
    "meeting console (staff)": 10,
    "DRF list (attendance)": 10,
}


def serve(env: dict, app: str = "cppcc_portal.wsgi", health: str = "/healthz") -> subprocess.Popen:
    process = subprocess.Popen(
        [
            GUNICORN,
            app,
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}{health}", timeout=1)  # noqa: S310 - local
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def measure(url: str, cookie: str, duration: int, connections: int) -> dict:
    # The page itself, redirects not followed: a 302 (to the login or two-factor form) is no figure.
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request(
        "GET",
        f"{parts.path}?{parts.query}" if parts.query else parts.path,
        headers={"Cookie": f"sessionid={cookie}"},
    )
    status = connection.getresponse().status
    connection.close()
    if status != 200:
        raise RuntimeError(f"{url} answered {status}, not 200: the bench would measure something else")
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            "30s",
            "-H",
            f"Cookie: sessionid={cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    completed = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    if completed == 0:
        # Slower than the whole run: wrk prints no distribution, the page gets no figure.
        return {"status": status, "median": None, "p99": None, "rps": 0.0, "non2xx": 0}
    median = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "status": status,
        "median": median,
        "p99": p99,
        "rps": rps,
        "non2xx": int(errors.group(1)) if errors else 0,
    }


BARE_SIGNED_IN_SESSION = """
import django
django.setup()
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
user = get_user_model().objects.get(username="bench_leader")
session = import_module(settings.SESSION_ENGINE).SessionStore()
session.update({
    SESSION_KEY: str(user.pk),
    BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
    HASH_SESSION_KEY: user.get_session_auth_hash(),
})
session.save()
print(session.session_key)
"""


def bare_floor(env: dict, duration: int, connections: int) -> list[dict]:
    """Bare Django's one view, then the same project signed in, served and measured as the pages are."""
    signed_in_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.bare.signed_in"}
    # Signed in as the ping's account, through Django's own session store and backend.
    signed_in = subprocess.run(
        [PYTHON, "-c", BARE_SIGNED_IN_SESSION],
        cwd=ROOT,
        env=signed_in_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    rows = []
    for label, bare_env, path, cookie in (
        (BARE_LABEL, {**env, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"}, "/", "none"),
        (BARE_SESSION_LABEL, signed_in_env, "/session", signed_in),
        (BARE_SIGNED_IN_LABEL, signed_in_env, "/signed-in", signed_in),
    ):
        process = serve(bare_env, "bench.bare.wsgi", "/")
        try:
            row = measure(f"http://127.0.0.1:{PORT}{path}", cookie, duration, connections)
        finally:
            stop(process)
        row.update({"page": label, "path": path})
        say(
            f"   {label:<32} median {row['median']:8.1f} ms  p99 {row['p99']:8.1f} ms  {row['rps']:7.1f} req/s"
        )
        rows.append(row)
    return rows


def pages(
    years: int, env: dict, duration: int, connections: int, only: list[str] | None = None
) -> list[dict]:
    cookies = sessions(env)
    # The figures are stored per year; make sure the run measures the stored path, as in production.
    manage(
        env,
        "shell",
        "-c",
        "from cppcc_portal.dashboard.figures import refresh_year_figures as r; r(2017); r(2016)",
    )
    references = bare_floor(env, duration, connections)
    bare = references[0]
    process = serve(env)
    results = []
    try:
        for label, path, who in PAGES:
            if only and label != PAGES[0][0] and not any(word in label for word in only):
                continue
            path = path.format(topic=cookies["topic"], meeting=cookies["meeting"])
            row = measure(f"http://127.0.0.1:{PORT}{path}", cookies[who], duration, connections)
            row.update({"page": label, "path": path})
            if row["median"] is None:
                say(f"   {label:<32} no request completed within {duration} s")
            else:
                say(
                    f"   {label:<32} median {row['median']:8.1f} ms  p99 {row['p99']:8.1f} ms  "
                    f"{row['rps']:7.1f} req/s  status {row['status']}"
                )
            results.append(row)
    finally:
        stop(process)
    floor = results[0]["median"] or 1
    for row in results:
        row["ratio"] = row["median"] / floor if row["median"] is not None else None
    for row in [*references, *results]:
        row["bare_ratio"] = row["median"] / bare["median"] if row["median"] is not None else None
    for row in references:
        row["ratio"] = row["median"] / floor if row["median"] is not None else None
    return [*references, *results]


def import_benchmark(env: dict) -> str:
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "attendance_import.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    say(out.stdout)
    if out.returncode:
        say(out.stderr[-2000:])
        return f"import benchmark failed:\n\n```\n{out.stderr[-1500:]}\n```\n"
    return out.stdout


def sweep_benchmark(env: dict) -> str:
    script = ROOT / "bench" / "notifications_sweep.py"
    if not script.exists():
        return "bench/notifications_sweep.py is not there (the notifications engineer's script).\n"
    out = subprocess.run([PYTHON, str(script)], cwd=ROOT, env=env, capture_output=True, text=True)
    say(out.stdout)
    if out.returncode:
        return f"sweep benchmark failed:\n\n```\n{out.stderr[-1500:]}\n```\n"
    return out.stdout


def workplan_import_benchmark(env: dict) -> str:
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "workplan_import.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    say(out.stdout)
    if out.returncode:
        return f"work-plan import benchmark failed:\n\n```\n{out.stderr[-1500:]}\n```\n"
    return out.stdout


def similarity_benchmark(env: dict) -> str:
    """Quality and in-process speed of similar proposals (no server, no bench database needed)."""
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "similarity.py")], cwd=ROOT, env=env, capture_output=True, text=True
    )
    say(out.stdout)
    if out.returncode:
        return f"similarity benchmark failed:\n\n```\n{out.stderr[-1500:]}\n```\n"
    return out.stdout


def meetings_burst_benchmark(env: dict) -> str:
    """The door and the vote of a plenary (issue 16): 500 check-ins, then 500 ballots, against
    gunicorn on PostgreSQL while the leaders' dashboard is read, each one recorded once."""
    size = int(os.environ.get("BENCH_BURST_SIZE", "500"))
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "meetings_burst.py"), "--port", str(PORT), "--size", str(size)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    say(out.stdout)
    if out.returncode:
        return f"meetings burst failed:\n\n```\n{out.stderr[-1500:]}\n```\n"
    return burst_report(json.loads(out.stdout[out.stdout.index("{") :]))


def burst_report(result: dict) -> str:
    expected = result["expected"]
    recorded = result["recorded"]
    lines = [
        "| burst | recorded / expected | duplicates | seconds | per second | p50 (ms) | p99 (ms) | max (ms) "
        "| answers | load average (before → after) | target: all within 60 s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    counts = {"check-in": recorded["present"], "ballot": recorded["ballots"]}
    duplicates = {"check-in": result["duplicates"]["check_in"], "ballot": result["duplicates"]["ballot"]}
    for row in result["bursts"]:
        name = row["burst"]
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(row["statuses"].items()))
        met = "met" if row["seconds"] <= 60 and counts[name] == expected else "NOT met"
        lines.append(
            f"| {name} | {counts[name]} / {expected} | {duplicates[name]} | {row['seconds']} | "
            f"{row['per_second']} | {row['p50_ms']} | {row['p99_ms']} | {row['max_ms']} | {statuses} | "
            f"{row['load_average'][0]} → {row['load_average'][1]} | {met} |"
        )
    reads = result["dashboard_reads"]
    lines += [
        "",
        f"Recorded: {recorded['present']} present with {recorded['duty_records']} duty records, "
        f"{recorded['receipts']} vote receipts and {recorded['ballots']} ballots; every one recorded once: "
        f"{'yes' if result['every_one_recorded_once'] else 'NO'}. Dashboard read {reads['count']} times "
        f"meanwhile, p99 {reads['p99_ms']} ms.",
        "",
    ]
    return "\n".join(lines)


# Issue 20's city: `seed_demo --committees 17 --years 10` (the city and 16 districts). At full scale
# each committee holds what cppcc_bench holds (about 380 MB): 17 of them do not fit a `make bench` on
# a small machine, so the bulk data is shrunk by BENCH_CITY_SCALE (docs/benchmarks.md gives the figures).
CITY_DATABASE = os.environ.get("BENCH_CITY_DATABASE", "cppcc_bench_city")
CITY_SCALE = os.environ.get("BENCH_CITY_SCALE", "0.1")
CITY_COMMITTEES = 17
CITY_CHECK = """
from cppcc_portal.core import committees
from cppcc_portal.core.models import Committee
from devdata.decade import already_built
last = Committee.objects.filter(parent__isnull=False).order_by("-pk").first()
count = Committee.objects.count()
if last is not None:
    with committees.working_for(last):
        print("built", count, already_built())
else:
    print("built", count, False)
"""


def city_env() -> dict[str, str]:
    env = bench_env(10)
    env["DATABASE_URL"] = f"{PG}/{CITY_DATABASE}"
    env["CACHE_KEY_PREFIX"] = "benchcity"
    return env


def prepare_city() -> tuple[dict[str, str], str]:
    """The city's database (built once, then reused) and a sentence on what it holds and how it was built."""
    env = city_env()
    exists = subprocess.run(
        ["psql", f"{PG}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{CITY_DATABASE}'"],  # noqa: S608 - our name
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", f"{PG}/postgres", "-c", f'CREATE DATABASE "{CITY_DATABASE}"'], check=True)
    manage(env, "migrate", "--no-input", "-v0")
    command = f"seed_demo --committees {CITY_COMMITTEES} --years 10 --scale {CITY_SCALE}"
    say(f"== the city: {command} in database {CITY_DATABASE}")
    state = manage(env, "shell", "-c", CITY_CHECK, capture=True).split()
    if state[-2:] == [str(CITY_COMMITTEES), "True"]:
        say("   already built: reusing it")
        built = "reused (built by an earlier run)"
    else:
        started = time.monotonic()
        manage(env, *command.split(), "--force", "--year", str(LAST_YEAR))
        built = f"built in {time.monotonic() - started:.0f} s"
        say(f"   {built}")
    subprocess.run(["psql", f"{PG}/{CITY_DATABASE}", "-qc", "VACUUM ANALYZE"], check=True)
    size = subprocess.run(
        ["psql", f"{PG}/postgres", "-tAc", f"SELECT pg_size_pretty(pg_database_size('{CITY_DATABASE}'))"],  # noqa: S608 - our name
        capture_output=True,
        text=True,
    ).stdout.strip()
    return env, f" (`{command}`: {CITY_COMMITTEES} committees, {size}; {built})"


def scale_benchmark(env: dict | None = None) -> str:
    """Issue 20: one district's check-in burst on the scaled-out stage (bench/scale_burst.py) while the
    city's leader reads the roll-up and the drill-down: one and two web instances behind nginx and
    PgBouncer, then a web instance and a worker killed; a Markdown section. On the city's database."""
    env, data_set = prepare_city()
    result = subprocess.run(
        [PYTHON, "bench/scale_burst.py", "--markdown", "--data-set", data_set],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    )
    return result.stdout


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    except OSError:
        memory = 0
    return f"{os.cpu_count()} CPUs ({cpu}), {memory:.1f} GiB memory, {platform.platform()}, Python {platform.python_version()}"


def table(rows: list[dict]) -> str:
    lines = [
        "| page | path | median (ms) | p99 (ms) | req/s | × floor (ping) | × bare Django |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row["median"] is None:
            lines.append(f"| {row['page']} | `{row['path']}` | no request completed | — | 0 | — | — |")
            continue
        lines.append(
            f"| {row['page']} | `{row['path']}` | {row['median']:.1f} | {row['p99']:.1f} | {row['rps']:.0f} | "
            f"{row['ratio']:.1f} | {row['bare_ratio']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,1")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--only-burst",
        action="store_true",
        help="only the meetings' check-in and ballot burst, on the smallest data set; prints, writes nothing",
    )
    parser.add_argument(
        "--only-scale",
        action="store_true",
        help="only the scaled-out stage's burst on the city's database (issue 20); prints, writes nothing",
    )
    parser.add_argument(
        "--pages", default="", help="only the pages whose label contains one of these words (comma-separated)"
    )
    parser.add_argument(
        "--only-pages",
        action="store_true",
        help="only the page latencies; prints the report, leaves docs/benchmarks.md alone",
    )
    args = parser.parse_args()
    only = [word for word in args.pages.split(",") if word]
    if args.only_scale:
        say(scale_benchmark())
        return
    if args.only_burst:
        env = prepare(min(int(s) for s in args.sizes.split(",")))
        say(meetings_burst_benchmark(env))
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (make bench installs it with apt-get)")
    sizes = [int(s) for s in args.sizes.split(",")]
    report = [
        "# Benchmarks",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `make bench` on {machine()}.",
        f"wrk, 1 thread, {args.connections} connections, {args.duration} s per page; gunicorn with 2 sync "
        "workers on 127.0.0.1; PostgreSQL and Redis on the same machine (shared with other work).",
        "",
    ]
    measured = {}
    for years in sizes:
        env = prepare(years)
        load_before = os.getloadavg()
        rows = pages(years, env, args.duration, args.connections, only)
        load_after = os.getloadavg()
        measured[years] = rows
        report += [
            f"## {years} year(s) of data (database `{database_for(years)}`)",
            "",
            # The machine is shared: other work's load moves every figure, the ratios within one run less.
            f"Load average (1, 5, 15 min) before: {', '.join(f'{x:.1f}' for x in load_before)}; "
            f"after: {', '.join(f'{x:.1f}' for x in load_after)}.",
            "",
            table(rows),
            "",
        ]
    if len(measured) == 2 and 10 in measured and 1 in measured and not only:
        ten = {r["page"]: r for r in measured[10] if r["page"] not in BARE_LABELS}
        one = {r["page"]: r for r in measured[1] if r["page"] not in BARE_LABELS}
        report += [
            "## Growth from one to ten years",
            "",
            "| page | median 1 y (ms) | median 10 y (ms) | growth |",
            "|---|---:|---:|---:|",
        ]
        for page, row in ten.items():
            if row["median"] is None or one[page]["median"] is None:
                report.append(f"| {page} | {one[page]['median'] or '—'} | {row['median'] or '—'} | — |")
                continue
            report.append(
                f"| {page} | {one[page]['median']:.1f} | {row['median']:.1f} | {row['median'] / (one[page]['median'] or 1):.2f}× |"
            )
        report.append("")
        report += ["## Targets", ""]
        dash = ten["dashboard"]
        growth = dash["median"] / (one["dashboard"]["median"] or 1)
        report.append(
            f"- dashboard at ten years ≤ 20× the floor: {dash['ratio']:.1f}× — {'met' if dash['ratio'] <= 20 else 'NOT met'}"
        )
        report.append(
            f"- dashboard growth from one to ten years ≤ 1.5×: {growth:.2f}× — {'met' if growth <= 1.5 else 'NOT met'}"
        )
        for page, row in ten.items():
            if page in ("dashboard", "floor (ping)"):
                continue
            if page == ADMIN_FRAME:
                if row["ratio"] is not None:
                    report.append(f"- {page}: {row['ratio']:.1f}× the floor (no target)")
                continue
            if row["ratio"] is None:
                report.append(f"- {page} at ten years ≤ 10× the floor: no request completed — NOT met")
                continue
            verdict = "met" if row["ratio"] <= 10 else "NOT met"
            report.append(f"- {page} at ten years ≤ 10× the floor: {row['ratio']:.1f}× — {verdict}")
        report += ["", "Against bare Django (issue 21):", ""]
        for page, limit in BARE_TARGETS.items():
            row = ten.get(page)
            if row is None or row["bare_ratio"] is None:
                report.append(f"- {page} ≤ {limit}× bare Django: no figure — NOT met")
                continue
            growth = row["median"] / (one[page]["median"] or 1)
            report.append(
                f"- {page} ≤ {limit}× bare Django: {row['bare_ratio']:.1f}× — "
                f"{'met' if row['bare_ratio'] <= limit else 'NOT met'}; growth 1→10 years ≤ 1.1×: "
                f"{growth:.2f}× — {'met' if growth <= 1.1 else 'NOT met'}"
            )
        references = {r["page"]: r for r in measured[10] if r["page"] in BARE_LABELS}
        session, signed_in = references[BARE_SESSION_LABEL], references[BARE_SIGNED_IN_LABEL]
        ping = ten["floor (ping)"]
        if None not in (session["median"], signed_in["median"], ping["median"]):
            report += [
                "",
                f"Django itself (bench/bare/signed_in.py), in this run: reading its session costs "
                f"{session['bare_ratio']:.1f}× bare Django, a signed-in request "
                f"{signed_in['bare_ratio']:.1f}×; the portal's logged-in ping is "
                f"{ping['median'] / signed_in['median']:.2f}× Django's signed-in request.",
            ]
        report.append("")
    if args.only_pages:
        say("\n".join(report))
        return
    env = bench_env(max(sizes))
    rows = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
    report += [f"## Attendance import ({rows:,} rows)", "", import_benchmark(env), ""]
    report += ["## Notification sweep", "", sweep_benchmark(env), ""]
    report += ["## Work-plan import (20 items, target under 1 s)", "", workplan_import_benchmark(env), ""]
    report += ["## Similar proposals", "", similarity_benchmark(env), ""]
    report += ["## Meetings: the check-in and ballot burst", "", meetings_burst_benchmark(env), ""]
    report += [
        "## Scaled out: one district's plenary in a city of 17 committees (issue 20)",
        "",
        scale_benchmark(),
        "",
    ]
    target = ROOT / "docs" / "benchmarks.md"
    # What people wrote below NOTES_MARK (profiles, what each change bought) outlives the new figures.
    kept = target.read_text().partition(NOTES_MARK)[2] if target.exists() else ""
    target.write_text("\n".join(report) + (f"\n{NOTES_MARK}{kept}" if kept else ""))
    say(f"written to {target}")


if __name__ == "__main__":
    main()
