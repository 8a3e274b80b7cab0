"""Demo data: each app registers its seeder from its AppConfig.ready(); the command runs them in order.

Core knows no app by name: apps register with it (the import direction runs from them to core).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEMO_ACCOUNTS = {"demo_staff": "staff", "demo_leader": "leader", "demo_member": "member", "demo_unit": "unit"}
# The people behind the demo logins (the member's name comes from the roster seat they take).
DEMO_NAMES = {"demo_staff": "王秘书", "demo_leader": "李主席", "demo_unit": "赵联络员"}


@dataclass
class DemoContext:
    """What the demo seeders share: the year, demo users by role, an output stream, options."""

    year: int
    users: dict[str, Any]
    stdout: Any
    years: int = 1
    options: dict[str, Any] = field(default_factory=dict)

    def say(self, message: str) -> None:
        self.stdout.write(message)


Seeder = Callable[[DemoContext], None]
_seeders: list[Seeder] = []
_decade_seeders: list[Seeder] = []


def register_seeder(seed: Seeder) -> None:
    """An app's demo data for the requested year. Apps register in INSTALLED_APPS order, which
    follows the import direction, so an app's seeder may use what earlier ones made."""
    if seed not in _seeders:
        _seeders.append(seed)


def register_decade_seeder(seed: Seeder) -> None:
    """Bulk data for `seed_demo --years N` (N > 1), run after every app's seeder."""
    if seed not in _decade_seeders:
        _decade_seeders.append(seed)


def run_seeders(context: DemoContext) -> None:
    for seed in _seeders:
        seed(context)
    if context.years > 1:
        for seed in _decade_seeders:
            seed(context)
