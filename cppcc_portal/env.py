"""Typed readers for settings that come from the environment.

Each reader fails loudly (ImproperlyConfigured naming the variable) on a value it cannot read,
because a silently ignored typo in production is worse than a refusal to start.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from datetime import date
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, not {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().upper() not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value.strip().upper()


def env_month_day(name: str, default: str) -> str:
    """A day of every year written MM-DD (12-15); 02-29 is refused (it is missing most years)."""
    value = (os.environ.get(name) or default).strip()
    month, _, day = value.partition("-")
    try:
        date(2021, int(month), int(day))
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a month and day written MM-DD, such as 12-15, not {value!r}"
        ) from None
    return f"{int(month):02d}-{int(day):02d}"


def env_url(name: str, default: str) -> str:
    value = (os.environ.get(name) or default).strip()
    parsed = urlparse(value)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// address, not {value!r}")
    return value


def env_email(name: str, default: str) -> str:
    value = (os.environ.get(name) or default).strip()
    _display, address = parseaddr(value)
    local, at, domain = address.partition("@")
    if not (local and at and domain) or any(ch in value for ch in "\r\n"):
        raise ImproperlyConfigured(
            f"{name} must be an e-mail address such as portal@example.org, not {value!r}"
        )
    return value


def env_rate(name: str, default: str) -> str:
    """A request rate in DRF's form: a number, a slash and a period (20/min)."""
    value = (os.environ.get(name) or default).strip()
    count, _, period = value.partition("/")
    # DRF reads only the period's first letter: s, m, h or d.
    if not count.isdigit() or int(count) < 1 or not period.isalpha() or period[0] not in "smhd":
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 20/min (per s, min, hour or day), not {value!r}"
        )
    return value


# How DATABASE_URL reaches PostgreSQL: directly, or through a pooler such as PgBouncer that lends
# each client a server connection for a whole session or for one transaction at a time.
POOLER_MODES = ("none", "session", "transaction")


def env_pooler(name: str) -> str:
    value = (os.environ.get(name) or "none").strip().lower()
    if value not in POOLER_MODES:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(POOLER_MODES)}, not {value!r}")
    return value


def database_from_url(url: str, *, conn_max_age: int = 60, pooler: str = "none") -> dict:
    """Turn postgres://user:pass@host:port/name or sqlite:///path into a DATABASES entry.

    Behind a transaction-mode pooler the next statement may run on another server connection, so
    no server-side cursor may outlive its transaction: Django's are switched off (a queryset's
    .iterator() then reads its rows in one go, as every other query does).
    """
    parsed = urlparse(url)
    scheme = parsed.scheme
    if pooler not in POOLER_MODES:
        raise ImproperlyConfigured(
            f"DATABASE_POOLER must be one of {', '.join(POOLER_MODES)}, not {pooler!r}"
        )
    if pooler != "none" and scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            "DATABASE_POOLER is for PostgreSQL (a DATABASE_URL starting with postgres://)"
        )
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"DATABASE_URL names no database: {url!r}")
        try:
            port = parsed.port
        except ValueError:
            raise ImproperlyConfigured(f"DATABASE_URL has a bad port: {url!r}") from None
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "DISABLE_SERVER_SIDE_CURSORS": pooler == "transaction",
            "OPTIONS": options,
        }
    if scheme == "sqlite":
        path = unquote(parsed.path)
        if parsed.netloc:
            raise ImproperlyConfigured("DATABASE_URL for SQLite is sqlite:////absolute/path.sqlite3")
        if not path or path == "/":
            raise ImproperlyConfigured(f"DATABASE_URL names no SQLite file: {url!r}")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path, "OPTIONS": {"timeout": 20}}
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with postgres:// or sqlite:///, not {scheme or url!r}"
    )


def redis_url_checked(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in {"redis", "rediss"} or not parsed.hostname:
        raise ImproperlyConfigured(f"REDIS_URL must look like redis://host:6379/0, not {url!r}")
    try:
        _ = parsed.port  # reading it validates it
    except ValueError:
        raise ImproperlyConfigured(f"REDIS_URL has a bad port: {url!r}") from None
    return url


def secret_key(var_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/."""
    value = os.environ.get("SECRET_KEY")
    if value is not None:
        if len(value) < 50 or len(set(value)) < 5:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters, not a short word")
        return value
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    generated = secrets.token_urlsafe(64)
    key_file.write_text(generated)
    key_file.chmod(0o600)
    return generated


def env_path(name: str, default: Path | None) -> Path | None:
    """An absolute folder path (the folder itself may be a share mounted later)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    path = Path(value.strip())
    if not path.is_absolute():
        raise ImproperlyConfigured(f"{name} must be an absolute path such as /srv/backups, not {value!r}")
    return path


NEW_KEY_COMMAND = "python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"


def _backup_key_checked(name: str, value: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
        canonical = base64.urlsafe_b64encode(raw).decode("ascii") == value
    except (ValueError, binascii.Error):
        raw, canonical = b"", False
    if len(raw) != 32 or not canonical:
        raise ImproperlyConfigured(
            f"{name} must be 32 random bytes in URL-safe base64 (44 characters), as printed by: {NEW_KEY_COMMAND}"
        )
    return value


def env_backup_key(name: str, *, required: bool) -> str | None:
    """The backups' encryption key; a clear refusal to start when backups are on and it is missing."""
    value = (os.environ.get(name) or "").strip()
    if not value:
        if required:
            raise ImproperlyConfigured(
                f"{name} is not set: backups are switched on (BACKUP_ENABLED) and are encrypted with it. "
                f"Create one with: {NEW_KEY_COMMAND} and keep a copy away from the backups."
            )
        return None
    return _backup_key_checked(name, value)


def env_backup_keys(name: str) -> list[str]:
    """Earlier backup keys, comma separated, still accepted for reading older backups."""
    return [_backup_key_checked(name, part) for part in env_list(name, [])]
