"""Handing a task to Celery from a request, bounded in time: a request never waits on the broker.

One connection attempt with a short connect timeout and no retries (kombu's and redis-py's own
retries would add seconds per message), on a connection kept per thread; after a failure nobody in
this process tries the broker again for NOTIFICATION_PUBLISH_BACKOFF seconds. The caller decides
what happens to work that was not handed over (the notification sweep sends it later; the
similarity index is updated in the request).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from django.conf import settings

logger = logging.getLogger(__name__)

# Monotonic time until which nobody in this process tries the broker again.
_broker_down_until = 0.0
_publishing = threading.local()


def publish(task, *, args: list, eta: datetime | None = None) -> bool:
    """Queue `task(*args)`; False when the broker is down (or was, a moment ago)."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return False
    try:
        task.apply_async(args=args, eta=eta, retry=False, connection=publishing_connection(task.app))
    except Exception:  # noqa: BLE001 - a broker outage must never break the user's request
        _broker_down_until = time.monotonic() + settings.NOTIFICATION_PUBLISH_BACKOFF
        forget_connection()
        logger.warning("broker unavailable; %s%s not queued", task.name, tuple(args))
        return False
    return True


def publishing_connection(app):
    """This thread's broker connection for publishing from requests: short timeouts, no retries.

    Kept open between requests (a new connection per message costs tens of milliseconds); the
    app's own pool is not used because its connections retry for seconds when the broker is down.
    """
    connection = getattr(_publishing, "connection", None)
    if connection is None or connection.hostname != app.connection_for_write().hostname:
        timeout = settings.NOTIFICATION_PUBLISH_TIMEOUT_MS / 1000
        connection = app.connection_for_write(
            connect_timeout=timeout,
            transport_options={
                "max_retries": 0,
                "socket_connect_timeout": timeout,
                "socket_timeout": max(timeout, 0.5),
            },
        )
        _publishing.connection = connection
    return connection


def forget_connection() -> None:
    connection = getattr(_publishing, "connection", None)
    _publishing.connection = None
    if connection is not None:
        try:
            connection.release()
        except Exception:  # noqa: BLE001, S110 - it is already broken; dropping it is all we want
            pass


def reset() -> None:
    """Forget the connection and any known outage (tests, and after the broker URL changed)."""
    global _broker_down_until
    forget_connection()
    _broker_down_until = 0.0
