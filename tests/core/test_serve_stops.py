"""`make run` (bin/serve) stops its web server, worker and beat within 10 s on Ctrl-C or SIGTERM
(issue 13, defect 22). Real processes, started the way `make run` starts them."""

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.core.notifications.processes import free_port

ROOT = Path(__file__).resolve().parents[2]

# serial: the 10 s are the user's promise on a quiet machine; `make test` runs these after the
# parallel part, alone, so that another worker's load does not count against them.
pytestmark = [pytest.mark.slow, pytest.mark.serial, pytest.mark.usefixtures("transactional_db")]


def processes_in_session(sid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # field 6 of stat: the session id
            found.append(int(entry.name))
    return found


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def serve(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
    port = free_port()  # not a fixed one: another pytest-xdist worker may serve at the same time
    db = connection.settings_dict
    env.update(
        {
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "VAR_DIR": str(tmp_path / "var"),
            "PORT": str(port),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
        }
    )
    process = subprocess.Popen(
        ["bash", "bin/serve"],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own session and group, as a terminal's foreground job
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker_log = tmp_path / "var" / "log" / "worker.log"
    try:
        ready = wait_for(
            lambda: answers(port) and worker_log.exists() and " ready." in worker_log.read_text(), timeout=120
        )
        assert ready, "bin/serve did not start its server and worker"
        process.port = port
        yield process
    finally:
        for pid in processes_in_session(process.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda p: os.killpg(p.pid, signal.SIGINT), id="ctrl-c"),
        pytest.param(lambda p: p.send_signal(signal.SIGTERM), id="sigterm"),
    ],
)
def test_ctrl_c_or_sigterm_stops_the_server_the_worker_and_beat_within_10_seconds(serve, stop):
    assert len(processes_in_session(serve.pid)) >= 4  # bash, gunicorn, worker, beat (and children)
    stop(serve)
    assert wait_for(lambda: not processes_in_session(serve.pid), timeout=10), (
        f"still running 10 s later: {processes_in_session(serve.pid)}"
    )
    assert not answers(serve.port)
