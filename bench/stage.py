"""The scaled-out stage on one machine (issue 20): the production layout of docs/deployment.md.

    DATABASE_URL=postgres://… REDIS_URL=redis://… bin/scale-stage [--web 2] [--port 8400]

Started here, each in its own process group, configuration and logs under var/scale-stage/:

- PgBouncer in transaction mode on its own port (config generated here), in front of the one
  PostgreSQL of DATABASE_URL; every portal process connects through it with DATABASE_POOLER=transaction;
- two gunicorn instances (``--web``), each on its own loopback port;
- nginx in front of them (config generated here) on ``--port``: the address people use; a request
  that cannot reach one instance is passed to the other;
- two Celery workers on separate queues (cppcc_portal/celery.py): ``notifications`` (through
  PgBouncer) and ``background`` (imports_exports and indexing; straight to PostgreSQL, as backups
  need), and beat; all on the one Redis of REDIS_URL.

PgBouncer and nginx come from Debian (apt-get install pgbouncer nginx-light when missing and
running as root, as bin/test-services does for its tools). PgBouncer refuses to run as root: as
root it runs as the `postgres` system user that Debian's postgresql package creates. nginx runs
unprivileged on a high port as well; as root its workers drop to `nobody`.

bench/scale_burst.py (in `make bench`) and tests/live/test_pooler.py start the same stage from Python.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
NOTIFICATION_QUEUES = "notifications"
BACKGROUND_QUEUES = "imports_exports,indexing"
PACKAGES = {"pgbouncer": "pgbouncer", "nginx": "nginx-light"}


def say(message: str) -> None:
    print(f"scale-stage: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def program(name: str) -> str:
    """The path of a Debian program (pgbouncer, nginx), installed with apt when missing and root."""
    for candidate in (shutil.which(name), f"/usr/sbin/{name}", f"/usr/bin/{name}"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"installing {PACKAGES[name]}")
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", PACKAGES[name]],
            check=True,
            capture_output=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        return program(name)
    sys.exit(f"scale-stage: {name} is missing: sudo apt-get install {PACKAGES[name]}")


def answers_tcp(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def answers_http(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - our own server
            return response.status == 200
    except OSError:
        return False


def wait_until(predicate, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-2000:] if log is not None and log.exists() else ""
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s\n{tail}")


class Process:
    """One process (and whatever it forks) in its own process group; its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, log: Path):
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send(self, sig: int) -> None:
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL to the whole group: no warm shutdown, no acknowledgement, nothing cleaned up."""
        if self.process is not None:
            self.send(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self, grace: float = 15) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.send(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        self.send(signal.SIGKILL)  # pool children left behind, if any
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        self.process = None


class Stage:
    """PgBouncer, `web` gunicorn instances behind nginx, two workers and beat (see the module's text)."""

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        var_dir: Path,
        web: int = 2,
        web_workers: int = 2,
        web_threads: int = 4,
        port: int | None = None,
        pool_size: int = 10,
        extra_env: dict | None = None,
        beat: bool = True,
        workers: tuple[str, ...] = ("notifications", "background"),
    ):
        self.database_url, self.redis_url, self.var_dir = database_url, redis_url, var_dir
        self.web_count, self.web_workers, self.web_threads = web, web_workers, web_threads
        self.pool_size, self.extra_env, self.with_beat = pool_size, extra_env or {}, beat
        self.workers = workers
        self.proxy_port = port or free_port()
        self.pgbouncer_port = free_port()
        self.web_ports = [free_port() for _ in range(web)]
        self.processes: dict[str, Process] = {}

    # --- addresses and environment ------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def web_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.web_ports[index]}"

    @property
    def pooled_database_url(self) -> str:
        """DATABASE_URL with PgBouncer's port instead of PostgreSQL's (same user and database)."""
        parts = urlsplit(self.database_url)
        user = f"{parts.username}@" if parts.username else ""
        return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{self.pgbouncer_port}"))

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "EMAIL_HOST"}}
        env.update(
            {
                "DATABASE_URL": self.pooled_database_url,
                "DATABASE_POOLER": "transaction",
                "REDIS_URL": self.redis_url,
                "VAR_DIR": str(self.var_dir),
                "DJANGO_SETTINGS_MODULE": "cppcc_portal.settings",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.setdefault("DEBUG", "0")
        env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
        for name in (
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_HSTS_SECONDS",
        ):
            env.setdefault(name, "0")
        env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
        env.update(self.extra_env)
        return env

    # --- configuration files --------------------------------------------------------------------

    def _dir(self, name: str) -> Path:
        path = self.var_dir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def pgbouncer_config(self) -> Path:
        """pgbouncer.ini for transaction pooling in front of DATABASE_URL's server (docs/deployment.md)."""
        folder = self._dir("pgbouncer")
        server = urlsplit(self.database_url)
        user = server.username or "postgres"
        # Trust on loopback, as the PostgreSQL of the tests; production uses scram-sha-256 and
        # auth_query (docs/deployment.md). The user must still be listed.
        (folder / "userlist.txt").write_text(f'"{user}" ""\n')
        (folder / "pgbouncer.ini").write_text(
            "\n".join(
                [
                    "[databases]",
                    # Every database name is passed to the same server; timezone=UTC is what Django
                    # asks for (USE_TZ), so it never has to SET it on a fresh server connection.
                    f"* = host={server.hostname or '127.0.0.1'} port={server.port or 5432} timezone=UTC",
                    "",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {self.pgbouncer_port}",
                    "unix_socket_dir =",
                    "auth_type = trust",
                    f"admin_users = {user}",
                    f"auth_file = {folder / 'userlist.txt'}",
                    "pool_mode = transaction",
                    f"default_pool_size = {self.pool_size}",
                    "reserve_pool_size = 2",
                    "max_client_conn = 500",
                    "server_reset_query =",
                    "server_check_query = select 1",
                    "ignore_startup_parameters = extra_float_digits",
                    "log_connections = 0",
                    "log_disconnections = 0",
                    f"logfile = {folder / 'pgbouncer.log'}",
                    f"pidfile = {folder / 'pgbouncer.pid'}",
                    "",
                ]
            )
        )
        if os.geteuid() == 0:
            uid = pwd.getpwnam("postgres").pw_uid
            for path in (folder, *folder.iterdir()):
                os.chown(path, uid, -1)
        return folder / "pgbouncer.ini"

    def nginx_config(self) -> Path:
        folder = self._dir("nginx")
        upstreams = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in self.web_ports
        )
        (folder / "nginx.conf").write_text(
            f"""# Generated by bench/stage.py: the local reverse proxy in front of the gunicorn instances.
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    client_max_body_size 12m;
    upstream portal {{
{upstreams}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{self.proxy_port};
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # An instance that refuses the connection is skipped; a request it already received is
            # not sent again (a POST could be done twice): the client retries with its Idempotency-Key.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""
        )
        return folder / "nginx.conf"

    # --- processes ------------------------------------------------------------------------------

    def _add(self, name: str, argv: list[str], env: dict | None = None) -> Process:
        process = Process(name, argv, env or self.env(), self._dir("log") / f"{name}.log")
        self.processes[name] = process
        process.start()
        return process

    def web_argv(self, index: int) -> list[str]:
        return [
            str(BIN / "gunicorn"),
            "cppcc_portal.wsgi",
            "--bind",
            f"127.0.0.1:{self.web_ports[index]}",
            "--workers",
            str(self.web_workers),
            "--threads",
            str(self.web_threads),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]

    def worker_argv(self, name: str, queues: str, concurrency: int) -> list[str]:
        return [
            str(BIN / "celery"),
            "-A",
            "cppcc_portal",
            "worker",
            f"--queues={queues}",
            f"--hostname={name}@%h",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ]

    def start_pgbouncer(self) -> None:
        config = self.pgbouncer_config()
        argv = [program("pgbouncer"), str(config)]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        process = self._add("pgbouncer", argv)
        wait_until(lambda: answers_tcp(self.pgbouncer_port), 20, "PgBouncer", process.log)

    def start_web(self, index: int, *, wait: bool = True):
        """Start web instance index+1; wait until it answers (or return the function that waits)."""
        process = self._add(f"web{index + 1}", self.web_argv(index))

        def answers() -> None:
            wait_until(
                lambda: answers_http(f"{self.web_url(index)}/healthz"),
                90,
                f"web instance {index + 1}",
                process.log,
            )

        return answers() if wait else answers

    def start_proxy(self) -> None:
        config = self.nginx_config()
        folder = config.parent
        self._add(
            "nginx", [program("nginx"), "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")]
        )
        wait_until(lambda: answers_http(f"{self.url}/healthz"), 20, "nginx")

    def start_worker(self, name: str, *, wait: bool = True):
        queues, concurrency = {
            "notifications": (NOTIFICATION_QUEUES, 2),
            "background": (BACKGROUND_QUEUES, 1),
        }[name]
        log = self._dir("log") / f"worker-{name}.log"
        offset = log.stat().st_size if log.exists() else 0
        env = self.env()
        if name == "background":
            # Imports, exports and backups hold a connection for minutes, and pg_dump keeps session
            # settings: this worker connects to PostgreSQL directly (docs/deployment.md).
            env.update({"DATABASE_URL": self.database_url, "DATABASE_POOLER": "none"})
        self._add(f"worker-{name}", self.worker_argv(name, queues, concurrency), env)

        def ready() -> bool:
            with open(log, "rb") as handle:
                handle.seek(offset)
                return b"ready." in handle.read()

        def answers() -> None:
            wait_until(ready, 90, f"the {name} worker", log)

        return answers() if wait else answers

    def start_beat(self) -> None:
        self._add(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "cppcc_portal",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self._dir('beat') / 'celerybeat-schedule'}",
            ],
        )

    def start(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        if "SECRET_KEY" not in self.env():
            # Made once here: processes booting at once would each make their own in var/.
            sys.path.insert(0, str(ROOT))
            from cppcc_portal.env import secret_key

            secret_key(self.var_dir)
        try:
            self.start_pgbouncer()
            # Everything boots at once (Django's start is most of the wait), then each is waited for.
            waits = [self.start_web(index, wait=False) for index in range(self.web_count)]
            waits += [self.start_worker(worker, wait=False) for worker in self.workers]
            if self.with_beat:
                self.start_beat()
            for wait in waits:
                wait()
            self.start_proxy()
        except BaseException:
            self.stop()
            raise

    def restart(self, name: str) -> None:
        """Start a killed process again, as systemd's Restart=always does (deploy/systemd/)."""
        self.processes[name].stop()
        if name.startswith("web"):
            self.start_web(int(name[3:]) - 1)
        elif name.startswith("worker-"):
            self.start_worker(name.removeprefix("worker-"))
        else:
            raise ValueError(name)

    def pgbouncer_show(self, what: str) -> list[dict]:
        """A table of PgBouncer's admin console (SHOW POOLS, SHOW STATS …) as dictionaries."""
        import psycopg2

        user = urlsplit(self.database_url).username or "postgres"
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.pgbouncer_port, dbname="pgbouncer", user=user
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SHOW {what}")
                names = [column.name for column in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            connection.close()

    def stop(self, grace: float = 15) -> None:
        # Everything is asked to stop at once (warm shutdown), then each is waited for; PgBouncer
        # last, so nothing is left talking to a closed port.
        names = [name for name in reversed(list(self.processes)) if name != "pgbouncer"]
        for name in names:
            process = self.processes[name]
            if process.alive():
                process.send(signal.SIGTERM)
        for name in names:
            self.processes[name].stop(grace)
        if "pgbouncer" in self.processes:
            self.processes["pgbouncer"].stop(grace)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--web", type=int, default=2, help="gunicorn instances behind the proxy")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", "8400")), help="the proxy's port"
    )
    parser.add_argument("--no-migrate", action="store_true", help="skip migrate and collectstatic")
    args = parser.parse_args()
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not (database_url or "").startswith(("postgres://", "postgresql://")) or not redis_url:
        sys.exit("scale-stage: set DATABASE_URL (PostgreSQL) and REDIS_URL: the stage shares one of each")
    stage = Stage(
        database_url=database_url,
        redis_url=redis_url,
        var_dir=Path(os.environ.get("VAR_DIR") or ROOT / "var") / "scale-stage",
        web=args.web,
        port=args.port,
    )
    if not args.no_migrate:
        # Schema changes go straight to PostgreSQL, not through the pooler (docs/deployment.md).
        direct = {**stage.env(), "DATABASE_URL": database_url, "DATABASE_POOLER": "none"}
        for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
            subprocess.run([str(BIN / "python"), "manage.py", *command], cwd=ROOT, env=direct, check=True)
    stopping = []

    def on_signal(signum, frame):
        stopping.append(signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    stage.start()
    say(
        f"the portal: {stage.url}/ (nginx → {', '.join(str(p) for p in stage.web_ports)}); "
        f"PgBouncer on {stage.pgbouncer_port}; logs in {stage.var_dir}/log/; Ctrl-C stops"
    )
    try:
        while not stopping:
            time.sleep(0.5)
            dead = [name for name, process in stage.processes.items() if not process.alive()]
            if dead:
                say(f"stopped by itself: {', '.join(dead)} (see its log)")
                break
    finally:
        say("stopping…")
        stage.stop()


if __name__ == "__main__":
    main()
