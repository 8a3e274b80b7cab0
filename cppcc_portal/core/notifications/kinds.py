"""The notification kinds people can choose to receive by e-mail, with their labels."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One kind of notification (a code stored on each row, and a label shown to people)."""

    code: str
    label: str
    email_by_default: bool = False


_kinds: dict[str, Kind] = {}


def register_kind(code: str, label, *, email_by_default: bool = False) -> Kind:
    """Make a kind known to the preferences page; registering the same code twice keeps one."""
    kind = Kind(code=code, label=label, email_by_default=email_by_default)
    _kinds[code] = kind
    return kind


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda kind: kind.code)


def get_kind(code: str) -> Kind | None:
    return _kinds.get(code)
