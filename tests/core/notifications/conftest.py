"""Fixtures of the notification tests: mail to memory, private Redis and workers for the slow ones."""

from __future__ import annotations

import kombu.pools
import pytest
from django.db import connection

from tests.core.notifications.processes import RedisServer, Worker, worker_env


@pytest.fixture(autouse=True)
def _mail_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.fixture(autouse=True)
def enqueued(request, monkeypatch):
    """Fast tests record what would go to the broker; slow tests use a real one."""
    calls: list = []
    if request.node.get_closest_marker("slow") is None:
        from cppcc_portal.core import tasks

        monkeypatch.setattr(
            tasks.deliver_notification, "apply_async", lambda args, **kwargs: calls.append((args, kwargs))
        )
    return calls


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def start_worker(tmp_path, redis_server):
    """Start a worker on the private broker, against the test database; all are stopped at the end."""
    workers: list[Worker] = []

    def start(name: str = "w1", **extra: str) -> Worker:
        env = worker_env(
            database_name=connection.settings_dict["NAME"],
            broker_url=redis_server.url,
            var_dir=tmp_path / "var",
            **extra,
        )
        worker = Worker(env, name, tmp_path / f"{name}-{len(workers)}.log")
        workers.append(worker)
        worker.start()
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def mail_dir(tmp_path):
    return tmp_path / "var" / "mail"


def _point_app_at(app, url: str) -> None:
    # The app's pool is kombu's shared pool for its broker URL: closing it alone would leave the
    # closed pool registered under the old URL, and the next publish to that URL in this process
    # (a later test's export, on the same xdist worker) failed with "Acquire on closed pool".
    # kombu.pools.reset() closes every pool and forgets them, so the next publish opens a new one.
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.fixture
def broker(redis_server):
    """The portal's own Celery app, sending to the private Redis (as beat or the web process would)."""
    from cppcc_portal.celery import app

    before = app.conf.broker_url
    _point_app_at(app, redis_server.url)
    yield app
    _point_app_at(app, before)
