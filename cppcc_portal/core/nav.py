"""The links of every page's header: reversed once per process, not on every page.

The header (templates/base.html, includes/nav.html) and the portal's and workspace's tabs link to
pages whose URLs take no arguments, so they are the same for every request that runs with the same
URLconf and script prefix; reversing them on each page cost a few dozen reverse() calls per page.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from django.utils.translation import gettext_lazy as _

from cppcc_portal.core import roles
from cppcc_portal.core.url_templates import fixed_url, resolver_key

# The header's links: name in the templates (site_urls.<name>) → URL name.
SITE_URLS = {
    "home": "home",
    "set_language": "set_language",
    "elder_mode": "elder_mode",
    "password_change": "password_change",
    "logout": "logout",
    "session_status": "session_status",
    "admin": "admin:index",
    "plan": "workplan:current",
    "portal": "members:portal_home",
    "units": "proposals_units:home",
    "dashboard": "dashboard:home",
    "meetings": "meetings:list",
    "inbox": "notifications:inbox",
    "committee_choose": "committee_choose",
}


def site_urls() -> Mapping[str, str]:
    """The header's links, one read-only mapping per URLconf and script prefix (built once)."""
    return _site_urls(*resolver_key())


@lru_cache(maxsize=1024)  # one per committee's address prefix (core.committees)
def _site_urls(urlconf: str, prefix: str) -> Mapping[str, str]:
    return MappingProxyType({key: fixed_url(name) for key, name in SITE_URLS.items()})


def main_nav(user, user_roles: set[str], urls: Mapping[str, str]) -> list[dict]:
    """The header's links for this user: (url, label, class), in the order they are shown."""
    office = roles.STAFF in user_roles or roles.LEADER in user_roles
    links = [
        (urls["plan"], _("Work plan"), "nav-extra", True),
        (urls["portal"], _("My portal"), "", roles.MEMBER in user_roles),
        (urls["units"], _("Unit workspace"), "", roles.UNIT in user_roles),
        (urls["dashboard"], _("Dashboard"), "", office),
        (urls["meetings"], _("Meetings"), "", office),
        (urls["admin"], _("Administration"), "nav-extra", roles.may_use_admin(user)),
    ]
    return [{"url": url, "label": label, "class": css} for url, label, css, shown in links if shown and url]
