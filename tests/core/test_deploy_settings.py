"""Production settings pass Django's deployment checks, and bad values stop the process loudly."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(env_overrides, *args):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never has it.
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def production_env(tmp_path):
    return {
        "DEBUG": "0",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cppcc"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "portal.example.org",
        "VAR_DIR": str(tmp_path / "var"),
        # The portal's own settings, not the test suite's (tests/settings.py turns HTTPS off).
        "DJANGO_SETTINGS_MODULE": "cppcc_portal.settings",
    }


def test_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    done = run_manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_a_bad_setting_stops_the_process_with_a_message_naming_it(tmp_path):
    env = production_env(tmp_path) | {"DEBUG": "perhaps"}
    done = run_manage(env, "check")
    assert done.returncode != 0
    assert "DEBUG must be one of" in done.stderr


def test_a_bad_database_url_is_named(tmp_path):
    env = production_env(tmp_path) | {"DATABASE_URL": "mysql://root@localhost/cppcc"}
    done = run_manage(env, "check")
    assert done.returncode != 0
    assert "DATABASE_URL must start with postgres://" in done.stderr
