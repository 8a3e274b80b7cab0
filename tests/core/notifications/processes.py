"""Real processes for the delivery tests: a private redis-server and Celery workers on it.

Every test that uses these starts its own Redis on a free loopback port (the shared one on 6379
is never touched) and its own workers, pointed at the test database pytest-django created.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.2):
    """Poll a worker's progress (bounded): the first truthy result, or None at the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return None


class RedisServer:
    """A throw-away redis-server without persistence, on its own port."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)

        def answers():
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        assert wait_until(answers, timeout=20), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


class Worker:
    """One `celery worker` process (solo pool) in its own process group, so a kill takes it all."""

    def __init__(self, env: dict, name: str, log: Path):
        self.env = env
        self.name = name
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self._log_file = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "cppcc_portal",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.name}@%h",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert wait_until(lambda: b"ready." in self.log.read_bytes(), timeout=60), self.log.read_text()

    def finished(self, task_name: str) -> int:
        """How many runs of a task this worker has logged as succeeded."""
        pattern = rf"Task {re.escape(task_name)}\[[^\]]+\] succeeded"
        return len(re.findall(pattern, self.log.read_text(errors="replace")))

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, nothing cleaned up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)
        self.process = None
        if getattr(self, "_log_file", None):
            self._log_file.close()


def worker_env(*, database_name: str, broker_url: str, var_dir: Path, **extra: str) -> dict:
    """The environment of a worker: the test database, the private broker, files under var_dir."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_HOST"}}
    env.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database_name}",
            "REDIS_URL": broker_url,
            "VAR_DIR": str(var_dir),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "DB_CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


HEADER = re.compile(r"^X-Portal-Notification: (\d+)$", re.MULTILINE)


def mails_per_notification(mail_dir: Path) -> Counter:
    """How many e-mails the file backend wrote for each notification id."""
    counts: Counter = Counter()
    if mail_dir.exists():
        for path in mail_dir.iterdir():
            counts.update(int(match) for match in HEADER.findall(path.read_text(errors="replace")))
    return counts
