"""The live stage: the portal as it runs in production, started for real and probed over HTTP.

Once per test session: a scratch PostgreSQL database (its own name, created, migrated, seeded with
the demo data and the four demo accounts), a private redis-server, gunicorn with two workers and a
Celery worker, all as separate processes with DEBUG off. No test transaction wraps anything: what
a request commits is committed, as on a server. At the end every process is stopped and the
database dropped. Tests talk to it only through `LiveStage` (HTTP, API tokens per role).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
import requests

from tests.core.notifications.processes import RedisServer, Worker, free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEMO_ROLES = {"staff": "demo_staff", "leader": "demo_leader", "member": "demo_member", "unit": "demo_unit"}


def _database_urls() -> tuple[str, str]:
    """(the live stage's database URL, the maintenance database URL) on the tests' PostgreSQL."""
    base = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/cppcc")
    name = os.environ.get("LIVE_STAGE_DATABASE") or f"{base.path.lstrip('/') or 'cppcc'}_live_stage"
    # Several pytest-xdist workers could each start a stage: one database per worker.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        name = f"{name}_{worker}"
    return urlunsplit(base._replace(path=f"/{name}")), urlunsplit(base._replace(path="/postgres"))


def _admin(maintenance_url: str, statement: str) -> None:
    connection = psycopg2.connect(maintenance_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


class Gunicorn:
    """gunicorn serving the portal's WSGI application on a free loopback port."""

    def __init__(self, env: dict, log: Path, workers: int = 2):
        self.env = env
        self.log = log
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._log_file = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "cppcc_portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                # The longest request line gunicorn takes (beyond it gunicorn itself answers 414).
                "--limit-request-line",
                "8190",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def answers():
            try:
                return requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        assert wait_until(answers, timeout=60), self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        self.process = None
        if getattr(self, "_log_file", None):
            self._log_file.close()


@dataclass
class LiveStage:
    """What a live test needs: where the server is, a token per role, and how to start another."""

    url: str
    env: dict
    var_dir: Path
    password: str
    tokens: dict[str, str] = field(default_factory=dict)

    def api(self, role: str | None) -> requests.Session:
        """A requests session speaking to the API as this role (None: anonymous)."""
        session = requests.Session()
        if role is not None:
            session.headers["Authorization"] = f"Token {self.tokens[role]}"
        return session

    def manage(self, *args: str, env: dict | None = None, timeout: float = 600) -> str:
        """Run a manage.py command against the stage's database; its output."""
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
        return result.stdout


def stage_env(*, database_url: str, redis_url: str, var_dir: Path, password: str) -> dict:
    """The environment of every stage process: production settings, on loopback, plain HTTP."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "EMAIL_HOST"}}
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "VAR_DIR": str(var_dir),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: no redirect to HTTPS, cookies without the Secure flag.
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "DEMO_PASSWORD": password,
            # The fuzzer asks for tokens many times over; the throttle is tested elsewhere.
            "API_TOKEN_RATE": "100000/min",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@pytest.fixture(scope="session")
def live_stage():
    # Under var/ rather than pytest's temporary directory, which a concurrent pytest session of the
    # same user may prune while the stage runs; the last run's logs and reports stay for reading.
    var_dir = ROOT / "var" / f"live-stage-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    database_url, maintenance_url = _database_urls()
    name = urlsplit(database_url).path.lstrip("/")
    password = secrets.token_urlsafe(12)
    redis_server = RedisServer(var_dir / "redis")
    processes: list = [redis_server]
    _admin(maintenance_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(maintenance_url, f'CREATE DATABASE "{name}"')
    try:
        redis_server.start()
        env = stage_env(
            database_url=database_url, redis_url=redis_server.url, var_dir=var_dir, password=password
        )
        stage = LiveStage(url="", env=env, var_dir=var_dir, password=password)
        stage.manage("migrate", "--no-input", "-v0")
        stage.manage("seed_demo", "--force")
        # As `make run` does: with DEBUG off the pages' CSS and scripts come from STATIC_ROOT.
        stage.manage("collectstatic", "--no-input", "-v0")
        worker = Worker(env, "live", var_dir / "worker.log")
        processes.append(worker)
        worker.start()
        web = Gunicorn(env, var_dir / "gunicorn.log")
        processes.append(web)
        web.start()
        stage.url = web.url
        for role, username in DEMO_ROLES.items():
            response = requests.post(
                f"{web.url}/api/v1/auth/token/", data={"username": username, "password": password}, timeout=10
            )
            assert response.status_code == 200, response.text
            stage.tokens[role] = response.json()["token"]
        yield stage
    finally:
        for process in reversed(processes):
            process.stop()
        _admin(maintenance_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
