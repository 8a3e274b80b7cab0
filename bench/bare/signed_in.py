"""Bare Django with a signed-in person: `startproject`'s middleware, and a view that reads request.user.

What every signed-in request of any Django project pays before the portal adds anything: the
session read from the store (the portal's engine, ``cached_db``, on the bench's Redis) and the user
row read from the bench's PostgreSQL by Django's own ModelBackend. `make bench` measures it in the
same run as bare Django and the portal's logged-in ping, so the ping's ratio can be read against
what Django itself does for a signed-in request.

DATABASE_URL and REDIS_URL are the bench's (bench/run.py sets them).
"""

import os
from urllib.parse import urlsplit

from bench.bare.settings import *  # noqa: F403 - the bare project, plus a session store and a user table

_database = urlsplit(os.environ["DATABASE_URL"])
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _database.path.lstrip("/"),
        "USER": _database.username or "",
        "PASSWORD": _database.password or "",
        "HOST": _database.hostname or "",
        "PORT": _database.port or "",
        # As the portal does by default: one connection per worker, kept between requests.
        "CONN_MAX_AGE": 60,
    }
}
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "bench-bare",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
