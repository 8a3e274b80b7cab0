"""Say in one line which service the tests need is unreachable (python -m cppcc_portal.core.checkservices)."""

from __future__ import annotations

import os
import socket
import sys
from urllib.parse import urlparse


def reachable(url: str, default_port: int) -> str | None:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=3):
            return None
    except OSError as exc:
        return f"{host}:{port} ({exc.strerror or exc})"


def main() -> int:
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        failure = reachable(database_url, 5432)
        if failure:
            problems.append(f"PostgreSQL is unreachable at {failure}")
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        failure = reachable(redis_url, 6379)
        if failure:
            problems.append(f"Redis is unreachable at {failure}")
    for problem in problems:
        print(f"make test: {problem}; start it or set DATABASE_URL/REDIS_URL.", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
