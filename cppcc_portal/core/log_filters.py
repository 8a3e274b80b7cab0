"""Logging filters named in settings.LOGGING."""

from __future__ import annotations

import logging
import time


class OnceAMinute(logging.Filter):
    """Lets one record a minute through per logger: an outage that touches every call says so once."""

    interval = 60.0

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        self._passed_at: dict[str, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        last = self._passed_at.get(record.name)
        if last is not None and now - last < self.interval:
            return False
        self._passed_at[record.name] = now
        return True
