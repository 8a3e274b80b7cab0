"""The acting request's client address and user, so audit rows can say where a change came from and
who made it even when it is recorded from a signal (core.permission_audit)."""

from __future__ import annotations

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def set_current_ip(ip: str | None):
    return _client_ip.set(ip)


def reset_current_ip(token) -> None:
    _client_ip.reset(token)


def current_ip() -> str | None:
    return _client_ip.get()


_user: ContextVar = ContextVar("request_user", default=None)


def set_current_user(user):
    return _user.set(user)


def reset_current_user(token) -> None:
    _user.reset(token)


def current_user():
    return _user.get()
