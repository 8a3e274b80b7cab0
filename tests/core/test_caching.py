"""Cached values (core.caching): read once, dropped by the writes that change them, never an error.

What each family holds and what moves it on is tested where a user sees it: permissions and roles
(tests/core/test_access_cache.py, test_request_cost.py), the plan page (tests/workplan/test_cached_plan.py),
the dashboard's years (tests/dashboard/test_fresh_figures.py), count estimates
(tests/members/test_pagination.py).
"""

import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

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


def test_a_value_no_longer_fresh_is_worked_out_again_and_replaced():
    compute = Counter()
    assert NOTES.cached("k", compute, fresh=lambda value: True) == "v1"
    assert NOTES.cached("k", compute, fresh=lambda value: value != "v1") == "v2"
    assert NOTES.cached("k", compute, fresh=lambda value: value != "v1") == "v2"
    assert compute.calls == 2


def test_a_fragment_is_rendered_again_once_the_clock_passes_its_until():
    now = timezone.now()
    renders = Counter("<p>")

    def render(until):
        return lambda: caching.Fragment(renders(), until)

    assert caching.cached_html(NOTES, "page", render(now + timedelta(minutes=5))) == "<p>1"
    assert caching.cached_html(NOTES, "page", render(now + timedelta(minutes=5))) == "<p>1"
    with time_machine.travel(now + timedelta(minutes=6)):
        shown = caching.cached_html(NOTES, "page", render(None))
    assert shown == "<p>2"
    assert caching.cached_html(NOTES, "page", render(None)) == "<p>2"
    NOTES.changed()
    assert caching.cached_html(NOTES, "page", render(None)) == "<p>3"


def reader_request(rf, session_key, path="/portal/"):
    made = rf.get(path)
    made.session = SimpleNamespace(session_key=session_key)
    return made


def test_each_reader_session_language_and_page_has_its_own_key(rf):
    key = caching.reader_key(reader_request(rf, "s1"))
    assert key == caching.reader_key(reader_request(rf, "s1"))
    assert key != caching.reader_key(reader_request(rf, "s2"))
    assert key != caching.reader_key(reader_request(rf, "s1", "/portal/meetings/"))
    with translation.override("en"):
        assert key != caching.reader_key(reader_request(rf, "s1"))
    assert "s1" not in key


def test_a_reader_keeps_one_copy_of_a_page_whatever_the_query(rf):
    """Made-up queries replace the reader's copy instead of filling the cache with copies."""
    renders = Counter("<p>")

    def show(path):
        return caching.reader_html(NOTES, reader_request(rf, "s1", path), lambda: caching.Fragment(renders()))

    assert show("/portal/?year=2016") == "<p>1"
    assert show("/portal/?year=2016") == "<p>1"
    assert show("/portal/?junk=1") == "<p>2"
    assert show("/portal/?junk=2") == "<p>3"
    assert show("/portal/?year=2016") == "<p>4"
    kept = [key for key in cache.keys("test-notes:reader:*")]
    assert kept == [f"test-notes:{caching.reader_key(reader_request(rf, 's1'))}"]


def test_earliest_ignores_what_is_not_a_time():
    now = timezone.now()
    assert caching.earliest(None, now + timedelta(hours=1), now) == now
    assert caching.earliest(None, None) is None


def test_html_an_older_release_kept_as_a_bare_string_is_rendered_again():
    NOTES.cached("page", lambda: "<p>old")
    shown = caching.cached_html(NOTES, "page", lambda: caching.Fragment("<p>new"))
    assert shown == "<p>new"
