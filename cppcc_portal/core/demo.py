"""Demo data: each app contributes a `demo.seed(context)`; the command runs them in order."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

# Order follows the import direction: an app's demo data may use what the earlier ones made.
DEMO_APPS = ["workplan", "members", "proposals", "supervision"]
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


def run_seeders(context: DemoContext) -> None:
    for app in DEMO_APPS:
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        module.seed(context)
