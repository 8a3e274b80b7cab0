"""The rotating QR check-in code: an HMAC of the session and a 30-second time window.

A code is good in its own window and the one after (a member scanning just before it rotates
still gets in), never later, so a photo of the door screen is useless a minute on. The key is
derived from SECRET_KEY: nothing is stored per code.
"""

from __future__ import annotations

import io
import time

import segno
from django.utils.crypto import constant_time_compare, salted_hmac

WINDOW_SECONDS = 30
SALT = "meetings.checkin.qr"


def current_window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


def signature(session_id: int, window: int) -> str:
    return salted_hmac(SALT, f"{session_id}:{window}", algorithm="sha256").hexdigest()[:20]


def is_valid(session_id: int, window, sig: str, now: float | None = None) -> bool:
    """The code belongs to this session and to the current or the previous window."""
    try:
        window = int(window)
    except (TypeError, ValueError):
        return False
    if window not in (current_window(now), current_window(now) - 1):
        return False
    return constant_time_compare(signature(session_id, window), str(sig or ""))


def seconds_left(now: float | None = None) -> int:
    now = time.time() if now is None else now
    return WINDOW_SECONDS - int(now % WINDOW_SECONDS)


def qr_svg(url: str) -> str:
    """The QR code of a URL as an inline SVG element (drawn here, no image files, nothing external)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()
