"""The proposals app's cached pages, in a module of their own: the services that write without
signals move them on, and proposals.selectors imports the services (a cycle otherwise)."""

from __future__ import annotations

from cppcc_portal.core.caching import CachedValues

# The unit workspace's home as each unit account last saw it (rendered HTML per reader,
# proposals.unit_views.home): moved on by every save or delete of an assignment, a proposal (its
# number, title, key mark, state), a handling unit or its accounts (proposals.apps). The services
# whose assignment writes send no signal call UNIT_PAGES.changed().
UNIT_PAGES = CachedValues("proposals-unit-pages", ttl=600, per_committee=True)
