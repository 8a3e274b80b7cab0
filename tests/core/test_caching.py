"""Cached values (core.caching): read once, dropped by the writes that change them, never an error.

What each family holds and what moves it on is tested where a user sees it: permissions and roles
(tests/core/test_access_cache.py, test_request_cost.py), the plan page (tests/workplan/test_cached_plan.py),
the dashboard's years (tests/dashboard/test_fresh_figures.py), count estimates
(tests/members/test_pagination.py).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from cppcc_portal.core import caching

# A change registers its second step with the transaction.
pytestmark = pytest.mark.django_db

NOTES = caching.CachedValues("test-notes", ttl=60)
OTHER = caching.CachedValues("test-other", ttl=60)
UNREACHABLE = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}


class Counter:
    """A value worked out from 'the database': each call is one more computation."""

    def __init__(self, value="v"):
        self.calls, self.value = 0, value

    def __call__(self):
        self.calls += 1
        return f"{self.value}{self.calls}"


def test_a_value_is_worked_out_once_and_then_read_from_the_cache():
    compute = Counter()
    assert NOTES.cached("k", compute) == "v1"
    assert NOTES.cached("k", compute) == "v1"
    assert compute.calls == 1


def test_a_change_drops_every_value_of_its_family_and_no_other():
    notes, other = Counter(), Counter()
    NOTES.cached("a", notes), OTHER.cached("a", other)

    NOTES.changed()

    assert NOTES.cached("a", notes) == "v2"
    assert OTHER.cached("a", other) == "v1"


def test_a_value_read_before_the_write_commits_is_dropped_again_at_commit(django_capture_on_commit_callbacks):
    compute = Counter()
    NOTES.cached("k", compute)
    with django_capture_on_commit_callbacks(execute=True):
        NOTES.changed()
        # A page built before the commit sees the old rows and caches them under the new number ...
        assert NOTES.cached("k", compute) == "v2"
    # ... so the commit moves the number on once more.
    assert NOTES.cached("k", compute) == "v3"


def test_a_lost_generation_never_brings_back_older_values():
    compute = Counter()
    NOTES.cached("k", compute)
    NOTES.changed()
    NOTES.cached("k", compute)
    cache.delete("test-notes:generation")  # evicted under memory pressure, or a restart

    assert NOTES.cached("k", compute) == "v3"


def test_an_entry_in_another_shape_is_a_miss_not_an_error():
    """A key an older release wrote in its own shape (a bare value) is worked out again."""
    cache.set("test-notes:k", 12345, 60)
    assert NOTES.cached("k", Counter()) == "v1"


def test_a_value_keep_refuses_is_worked_out_each_time():
    compute = Counter()
    NOTES.cached("small", compute, keep=lambda value: value.endswith("9"))
    NOTES.cached("small", compute, keep=lambda value: value.endswith("9"))
    assert compute.calls == 2


def test_with_redis_unreachable_every_read_is_a_miss_and_a_change_is_no_error(settings):
    settings.CACHES = UNREACHABLE
    compute = Counter()

    assert NOTES.cached("k", compute) == "v1"
    assert NOTES.cached("k", compute) == "v2"
    NOTES.changed()
    caching.forget_all()
    assert NOTES.cached("k", compute) == "v3"


def test_a_cache_that_raises_is_a_miss_too(monkeypatch):
    """The file cache of the embedded mode raises OSError when its folder is gone."""

    def down(*args, **kwargs):
        raise OSError("no such directory")

    for method in ("get_many", "get_or_set", "set", "incr"):
        monkeypatch.setattr(caching.cache, method, down)
    compute = Counter()

    assert [NOTES.cached("k", compute), NOTES.cached("k", compute)] == ["v1", "v2"]
    NOTES.changed()


def test_two_families_may_not_share_a_name():
    with pytest.raises(ValueError, match="test-notes"):
        caching.CachedValues("test-notes", ttl=1)


def test_every_family_the_portal_declares_is_known_and_forgotten_between_tests():
    names = {family.name for family in caching.families()}
    assert {"access", "workplan", "dashboard-years", "count-estimate"} <= names


# The cache used as short-lived scratch storage, not as a copy of rows (docs/architecture.md).
SCRATCH = {"workplan/admin_import.py", "members/import_jobs.py"}
# Fragments keyed by a digest of everything they show (core.caching.digest).
DIGEST_KEYED_TEMPLATES = {"templates/admin/nav_sidebar.html", "templates/admin/large_table_change_list.html"}
CACHE_CALL = re.compile(
    r"\bcache\.(get|set|add|incr|decr|delete|touch|get_or_set|get_many|set_many)\(|\bcaches\["
)
SKIPPED = {".venv", "node_modules", "tests", ".git", "var", "static", "media"}


def project_files(pattern: str):
    root = Path(settings.BASE_DIR)
    for path in root.rglob(pattern):
        relative = path.relative_to(root)
        if not SKIPPED & set(relative.parts):
            yield relative.as_posix(), path.read_text(encoding="utf-8")


def test_every_cached_value_goes_through_core_caching():
    outside = sorted(
        name
        for name, text in project_files("*.py")
        if CACHE_CALL.search(text) and name != "cppcc_portal/core/caching.py" and name not in SCRATCH
    )
    assert outside == []


def test_template_fragments_are_cached_only_under_a_digest_of_their_content():
    cached = sorted(name for name, text in project_files("*.html") if "{% cache " in text)
    assert set(cached) <= DIGEST_KEYED_TEMPLATES
