"""The settings the test suite runs with: the portal's own, told explicitly that this is a test run.

Tests are not guessed from `sys.modules`; pytest names this module (pyproject.toml), and so do the
processes the slow tests start (they inherit DJANGO_SETTINGS_MODULE).
"""

import os
import re

# Under pytest-xdist (`make test` runs `-n auto`) each worker has its own test database (pytest-django
# adds the worker's name) and must have its own Redis database too: the cache, the sessions and the
# broker of one worker's tests must not be read, counted or flushed by the other's. Set before the
# portal's settings read REDIS_URL, so that the processes the slow tests start inherit it.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL") and not os.environ.get("TESTS_REDIS_URL_SET"):
    _match = re.fullmatch(r"(redis://[^/]+)(?:/(\d+))?", os.environ["REDIS_URL"])
    if _match:
        _database = (int(_match.group(2) or 0) + int(_worker[2:])) % 16
        os.environ["REDIS_URL"] = f"{_match.group(1)}/{_database}"
        os.environ["TESTS_REDIS_URL_SET"] = "1"

from cppcc_portal.settings import *  # noqa: E402, F403

# The test client and the live test servers speak plain HTTP on 127.0.0.1.
SECURE_SSL_REDIRECT = False

# Tests travel in time (time-machine) far past a password's age; tests/core/test_passwords.py turns
# the maximum age back on where it is what is tested.
PASSWORD_MAX_AGE_DAYS = 0

# Tests read the dashboard right after each write; tests/dashboard/test_summary_rows.py turns the
# pause between recomputations back on where it is what is tested.
DASHBOARD_FIGURES_MIN_AGE = 0

# Most tests sign in with force_login and never give a second factor; tests/security/test_two_factor.py
# turns two-factor login back on where it is what is tested.
TWO_FACTOR_REQUIRED = False

# Many tests sign one account in on several clients, or travel days ahead with a signed-in client;
# tests/security/test_sessions.py turns both controls back on where they are what is tested.
SESSION_ONE_PER_ACCOUNT = False
SESSION_IDLE_MINUTES = 60 * 24 * 365 * 100
