"""Every page of the portal passes axe-core at WCAG 2.1 A and AA, as each actor sees it.

The pages come from the URL conf: each actor starts at their home page and follows every link of the
portal (one visit per URL pattern and actor), on the demo data `seed_demo` loads, so lists, charts
and detail pages are full. Afterwards every URL pattern must have been visited by someone or be
listed in NOT_PAGES with the reason. axe-core comes from the npm registry (package-lock.json, `make
install-dev` runs `npm ci`) and is injected from node_modules, never fetched from a CDN.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEMO_PASSWORD = "Demo-pass-2017"

# URL patterns that are not pages a person reads, each with the reason it is not checked.
NOT_PAGES = {
    "admin": "Django's own admin (django.contrib.admin): its templates are Django's, not the portal's",
    "api": "JSON API and its schema, no HTML page (the Swagger page is Swagger UI's own markup)",
    "api-docs": "Swagger UI's own markup, a developer tool (tests/browser/test_journeys.py renders it)",
    "api-schema": "the OpenAPI schema, YAML",
    "api-token": "JSON endpoint that issues API tokens",
    "healthz": "JSON health probe",
    "readyz": "JSON readiness probe",
    "favicon": "a redirect to an image",
    "set_language": "POST only: the language switch (its form is on every page checked)",
    "elder_mode": "POST only: the 长辈版 switch (its form is on every page checked)",
    "logout": "POST only",
    "history": "the admin's change history of an object, reached from the admin only",
    "dashboard:committee": "a district's dashboard under the city's roll-up: needs a city and districts, so axe checks it in tests/browser/test_committees.py",
    "proposals:forwarding": "a matter forwarded between committees: needs a city and districts, so axe checks it in tests/browser/test_committees.py",
    "dashboard:ping": "JSON probe the dashboard page polls",
    "session_status": "JSON the idle-timeout warning polls",
    "meetings:checkin_screen_state": "JSON the check-in screen polls",
    "meetings:desk_state": "JSON the desk polls",
    "meetings:projector_state": "JSON the projector polls",
    "proposals:similar": "an HTML fragment fetched into the proposal form (checked inside that form)",
    "password_change_done": "reached only after changing a password (test_elder_mode changes none)",
}
# Views that answer only to POST (a form's button), or send a file rather than a page.
POST_ONLY = (
    "accept leave enrol enrol_cancel check_in outcome verify reject register vote call session_add "
    "activity_accept activity_leave activity_enrol activity_enrol_cancel activity_check_in activity_outcome "
    "record_verify record_reject proposal_screen "
    "agenda_add motion_add documents_publish session_open session_close session_current motion_open "
    "motion_close leave_decide speech_decide submit withdraw close_cosigning invite cosign rate send "
    "review task_done post_hide return start reply countersign answer item_add step item_progress "
    "mark_read mark_all_read export_create"
).split()
FILES = (
    "workplan:attachment members:evidence_download members:attachment_download "
    "meetings_portal:document_download proposals:stats_export proposals:attachment "
    "supervision:status_export consultations:export consultations:report_file "
    "proposals_units:attachment dashboard:export_download"
).split()


def url_names() -> dict[str, str]:
    """Every named URL pattern of the portal, namespaced ("members:records"), with its route."""

    def walk(patterns, namespace="", prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, inner, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}{entry.name}", prefix + str(entry.pattern)

    return dict(walk(get_resolver().url_patterns))


def why_not_checked(name: str, route: str = "") -> str | None:
    if name in NOT_PAGES:
        return NOT_PAGES[name]
    if route.startswith("admin/") or name.startswith("admin:"):
        return NOT_PAGES["admin"]
    if route.startswith("api/"):
        return NOT_PAGES["api"]
    if name in FILES:
        return "sends a file (download or spreadsheet), not a page"
    if ":" in name and name.split(":")[-1] in POST_ONLY:
        return "answers to POST only (a form's button on a page that is checked)"
    return None


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, help: v.help, count: v.nodes.length,"
        " targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5),"
        " summary: v.nodes[0].failureSummary.split('\\n').slice(1, 2).join('')})))",
        WCAG_TAGS,
    )


def crawl(
    visit,
    starts: list[str],
    seen: dict[str, str],
    found: dict[str, list[dict]],
    refused: list[str],
    dead_ends: list[str] | None = None,
) -> None:
    """Visit each page reachable from `starts` by the portal's links, once per URL pattern.

    A start page may refuse the actor (every page is tried by every actor); a page reached by
    following a link the portal showed them must not: such links go to `dead_ends`."""
    host = urlsplit(visit.base_url).netloc
    queue: list[tuple[str, str | None]] = [(start, None) for start in starts]
    visited = set()
    while queue:
        target, linked_from = queue.pop(0)
        parts = urlsplit(urljoin(visit.base_url + "/", target))
        if parts.netloc != host:
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        name = match.view_name
        if name in visited or why_not_checked(name, match.route):
            continue
        visited.add(name)
        response = visit.page.goto(parts.geturl())
        violations = axe_violations(visit.page)
        if violations:
            found[f"{visit.actor} {name} ({parts.path})"] = violations
        if response is None or response.status >= 400:
            # A page this actor may not open (its error page was still checked above).
            refused.append(f"{name} {parts.path}: {response and response.status}")
            if linked_from is not None and dead_ends is not None:
                dead_ends.append(
                    f"{visit.actor}: {linked_from} links to {parts.path} ({response and response.status})"
                )
            continue
        seen.setdefault(name, parts.path)
        links = visit.page.eval_on_selector_all(
            "a[href]", "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)"
        )
        queue.extend((link, parts.path) for link in links if link.startswith(visit.base_url))


def start_pages(actor: str, demo: dict) -> list[str]:
    """Where an actor's crawl starts: home, every page without parameters, and the pages that only
    a message, a QR code or a record's state lead to."""
    from meetings.models import MeetingSession
    from proposals.models import Proposal

    pages = ["/"] + [
        reverse(name)
        for name, route in url_names().items()
        if "<" not in route and not why_not_checked(name, route) and name != "home"
    ]
    if actor == "member":
        draft = Proposal.objects.filter(submitter__user=demo["member"], state="draft").first()
        session = MeetingSession.objects.order_by("pk").first()
        pages += [reverse("proposals:edit", args=[draft.pk]), reverse("meetings:checkin", args=[session.pk])]
    if actor == "staff":
        from cppcc_portal.dashboard.services import export_request
        from members.models import Member

        job = export_request(actor=demo["staff"], year=2017)
        pages += [reverse("dashboard:export_detail", args=[job.pk])]
        pages += [reverse("members:member_duty_file", args=[Member.objects.order_by("pk").first().pk])]
    return pages


def report(found: dict[str, list[dict]]) -> str:
    lines = []
    for page, violations in found.items():
        lines.append(page)
        for violation in violations:
            lines.append(
                f"  {violation['id']} ({violation['count']}): {violation['help']} at {violation['targets']}"
                f" ({violation['summary']})"
            )
    return "\n".join(lines)


@pytest.fixture
def demo(monkeypatch, settings):
    """The demo accounts and data of `make run` (demo_staff, demo_leader, demo_member, demo_unit)."""
    from django.contrib.auth import get_user_model

    import proposals.demo

    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    # One proposal in each state rather than ~150: the pages are the same, the seeding minutes shorter.
    monkeypatch.setattr(proposals.demo, "PLAN", [(state, 1) for state, _count in proposals.demo.PLAN])
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = get_user_model().objects.filter(username__startswith="demo_")
    return {user.username.removeprefix("demo_"): user for user in users}


def test_every_page_has_no_wcag_21_aa_violation_for_any_actor(open_browser, demo):
    assert AXE.exists(), f"{AXE} is missing: run `make install-dev` (npm ci installs axe-core)"
    seen: dict[str, str] = {}
    found: dict[str, list[dict]] = {}
    refused: list[str] = []
    dead_ends: list[str] = []

    anonymous = open_browser(bypass_csp=True)
    anonymous.actor = "anonymous"
    crawl(anonymous, ["/accounts/login/"], seen, found, refused, dead_ends)
    for actor in ("member", "staff", "leader", "unit"):
        visit = open_browser(user=demo[actor], bypass_csp=True)
        visit.actor = actor
        crawl(visit, start_pages(actor, demo), seen, found, refused, dead_ends)
        print(actor, "pages so far", len(seen))
        # The error pages a person meets: a page that does not exist, and one they may not open.
        for path in ("/portal/no-such-page/", "/dashboard/" if actor in ("member", "unit") else "/units/"):
            visit.page.goto(visit.base_url + path)
            violations = axe_violations(visit.page)
            if violations:
                found[f"{actor} error page ({path})"] = violations

    print("pages refused to the actor who tried them (their 403 page was checked):", refused)
    missed = sorted(
        name for name, route in url_names().items() if name not in seen and not why_not_checked(name, route)
    )
    assert not found and not missed, (
        f"axe-core found WCAG 2.1 AA violations:\n{report(found)}\n"
        f"pages of the URL conf no actor reached by a link: {missed}"
    )
    # The same walk finds links the portal shows a person to a page that then refuses them.
    assert not dead_ends, "links that lead to a refusal:\n" + "\n".join(dead_ends)


# The deepest elements that reach past the right edge (what makes a page scroll sideways).
WIDEST = """() => {
  const edge = document.documentElement.getBoundingClientRect().left + document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > edge + 1);
  return wide.filter(e => !wide.some(o => o !== e && e.contains(o))).slice(0, 6)
    .map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined ? '.' + e.className : '')
      + ' "' + (e.textContent || '').trim().slice(0, 20) + '"');
}"""


def test_the_member_pages_do_not_scroll_sideways_at_200_percent_on_a_390_px_phone(open_browser, demo):
    from proposals.models import Proposal

    visit = open_browser(user=demo["member"], viewport=PHONE, device_scale_factor=2)
    pages = [
        path for path in start_pages("member", demo) if path.startswith(("/portal/", "/plan/", "/meetings/"))
    ]
    pages += [
        reverse("proposals:detail", args=[p.pk])
        for p in Proposal.objects.filter(submitter__user=demo["member"])
    ]
    too_wide = {}
    for path in pages:
        response = visit.page.goto(visit.base_url + path)
        if response.status >= 400:  # not a member's page (the office's and leaders' pages)
            continue
        # 200 % zoom: the CSS pixels halve, so the layout gets 195 px of width on a 390 px phone.
        visit.page.evaluate("document.documentElement.style.zoom = '2'")
        width = visit.page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if width[0] > width[1]:
            too_wide[path] = (width, visit.page.evaluate(WIDEST))
    assert not too_wide, f"pages that scroll sideways at 200 % (scrollWidth, clientWidth): {too_wide}"


def log_in_by_keyboard(visit, username: str, password: str) -> None:
    visit.go("/accounts/login/")
    visit.page.locator("input[name=username]").focus()
    visit.page.keyboard.type(username)
    visit.page.keyboard.press("Tab")
    visit.page.keyboard.type(password)
    with visit.page.expect_navigation():
        visit.page.keyboard.press("Enter")


def tab_to(visit, selector: str, limit: int = 60) -> None:
    """Press Tab until the element is focused, as a keyboard user would; it shows a focus ring."""
    for _ in range(limit):
        visit.page.keyboard.press("Tab")
        if visit.page.evaluate("s => document.activeElement.matches(s)", selector):
            outline = visit.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("none", ""), f"{selector} has the focus but no visible outline"
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_the_elder_mode_is_switched_by_keyboard_and_kept_at_the_next_login(open_browser, member_user):
    from tests.conftest import PASSWORD

    visit = open_browser()
    log_in_by_keyboard(visit, "member", PASSWORD)
    assert "elder" not in visit.page.evaluate("document.body.className")
    visit.page.keyboard.press("Tab")  # the skip link comes first, and shows itself when focused
    assert visit.page.evaluate("document.activeElement.className") == "skip-link"
    box = visit.page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link is not visible when it has the focus"
    normal_size = visit.page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    tab_to(visit, ".elder-form button")
    with visit.page.expect_navigation():
        visit.page.keyboard.press("Enter")
    assert "elder" in visit.page.evaluate("document.body.className")
    assert visit.page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > normal_size
    assert not visit.page.locator("nav.site-nav a.nav-extra").first.is_visible()  # the simpler navigation

    tab_to(visit, "form.inline button.link")  # log out
    with visit.page.expect_navigation():
        visit.page.keyboard.press("Enter")
    log_in_by_keyboard(visit, "member", PASSWORD)
    assert "elder" in visit.page.evaluate("document.body.className")
    assert visit.page.locator(".elder-form button").get_attribute("aria-pressed") == "true"
    # The skip link leads the keyboard past the header to the page's content.
    visit.page.keyboard.press("Tab")
    visit.page.keyboard.press("Enter")
    assert visit.page.evaluate("document.activeElement.id") == "content"
    visit.assert_clean()


def test_an_export_page_shows_the_finished_file_in_place_without_reloading(open_browser, staff_user):
    from cppcc_portal.dashboard.services import export_build, export_request

    job = export_request(actor=staff_user, year=2017)
    visit = open_browser(user=staff_user)
    visit.go(reverse("dashboard:export_detail", args=[job.pk]))
    visit.page.evaluate("window.notReloaded = true")
    export_build(job_id=job.pk)
    visit.page.wait_for_selector("#export-status a.button, #export-status .error")
    assert visit.page.evaluate("window.notReloaded === true")
    visit.assert_clean()
