"""The settings the test suite runs with: the portal's own, told explicitly that this is a test run.

Tests are not guessed from `sys.modules`; pytest names this module (pyproject.toml), and so do the
processes the slow tests start (they inherit DJANGO_SETTINGS_MODULE).
"""

from cppcc_portal.settings import *  # noqa: F403

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
