"""A city and two districts in the one installation of the live stage: gunicorn, a real Celery
worker, PostgreSQL and Redis, no test transaction.

The stage's own committee becomes the city and gets two districts (tests/levels.py, built once by a
`manage.py shell` against the stage's database); each person has a seat in one committee. Everything
else goes through the server's HTTP as the real clients do: the addresses carry the committee
(``/c/<slug>/…``), the office works in the admin, the API answers with a token, and a background
job started in a district is built by the worker for that district.
"""

from __future__ import annotations

import io
import json
import re
import time

import openpyxl
import pytest
import requests

pytestmark = [pytest.mark.slow, pytest.mark.live]

TITLE = "关于西城胡同微更新的建议（实况）"

SETUP = f"""
import json
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token
from cppcc_portal.core import passwords, two_factor
from proposals.choices import ProposalState
from tests.levels import build_levels

levels = build_levels()
sent = levels.a.proposal({TITLE!r})
# Three proposals of the year in 西城, none in 海淀: what a district's export must count.
levels.a.proposal("关于西城口袋公园的建议（实况）")
levels.a.proposal("关于西城社区食堂的建议（实况）")
found = {{"proposal": sent.pk, "year": levels.a.year, "tokens": {{}}, "cookies": {{}}, "committees": {{}}}}
with translation.override("zh-hans"):
    found["labels"] = {{s.value: str(s.label) for s in ProposalState}}
for key, level in levels.each().items():
    found["committees"][key] = {{"slug": level.committee.slug, "name": str(level.committee)}}
    for role, user in level.people.items():
        found["tokens"][key + "." + role] = Token.objects.get_or_create(user=user)[0].key
        client = Client()
        client.force_login(user)
        # Signed in as after the second factor, with a password of their own (bench/run.py does the same).
        session = client.session
        session.pop(two_factor.SESSION_FLAG, None)
        session.pop(passwords.SESSION_FLAG, None)
        session.save()
        found["cookies"][key + "." + role] = client.cookies["sessionid"].value
print("LEVELS " + json.dumps(found, ensure_ascii=False))
"""


class Person:
    """One seated person speaking to the stage: pages with their session, the API with their token."""

    def __init__(self, stage, world: dict, who: str):
        self.stage, self.world, self.who = stage, world, who
        self.pages = requests.Session()
        self.pages.cookies.set("sessionid", world["cookies"][who])
        self.api = stage.api(None)
        self.api.headers["Authorization"] = f"Token {world['tokens'][who]}"

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.pages.get(f"{self.stage.url}{path}", timeout=30, allow_redirects=False, **kwargs)

    def post_form(self, path: str, data: dict) -> requests.Response:
        """POST a form the way the browser does: the CSRF token of the page it came from."""
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.pages.post(
            f"{self.stage.url}{path}",
            data={"csrfmiddlewaretoken": token, **data},
            headers={"Referer": f"{self.stage.url}{path}"},
            timeout=60,
            allow_redirects=False,
        )

    def api_get(self, path: str) -> requests.Response:
        return self.api.get(f"{self.stage.url}{path}", timeout=30)


@pytest.fixture(scope="module")
def world(live_stage):
    out = live_stage.manage("shell", "-c", SETUP)
    line = next(line for line in out.splitlines() if line.startswith("LEVELS "))
    return json.loads(line.removeprefix("LEVELS "))


def at(world, key: str, path: str) -> str:
    return f"/c/{world['committees'][key]['slug']}{path}"


def rows(response: requests.Response) -> list[dict]:
    assert response.status_code == 200, response.text[:500]
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def test_a_district_forwards_a_proposal_to_the_city_which_sees_its_origin_and_the_district_sees_its_state(
    live_stage, world
):
    a_staff, city_staff = Person(live_stage, world, "a.staff"), Person(live_stage, world, "city.staff")
    a_name, city_name = world["committees"]["a"]["name"], world["committees"]["city"]["name"]
    changelist = at(world, "a", "/admin/proposals/proposal/")
    answer = a_staff.post_form(
        changelist,
        {"action": "forward_up", "_selected_action": [world["proposal"]], "index": 0, "note": "涉及全市规划"},
    )
    assert answer.status_code == 302, answer.text[:2000]
    said = a_staff.get(answer.headers["Location"].removeprefix(live_stage.url)).text
    assert "messagelist" in said, (answer.headers["Location"], said[:3000])

    change = a_staff.get(at(world, "a", f"/admin/proposals/proposal/{world['proposal']}/change/"))
    assert change.status_code == 200
    # The change page links to the forwarding page, at the district's address.
    link = re.search(r'href="/c/[^/"]+(/[^"]*/forwarded/\d+/)"', change.text)
    assert link, said.split('class="messagelist"')[1][:1500]
    forwarding = link.group(1)

    # The city lists a proposal of its own with the same title, awaiting its office's review.
    received = [
        p for p in rows(city_staff.api_get(at(world, "city", "/api/v1/proposals/"))) if p["title"] == TITLE
    ]
    assert len(received) == 1 and received[0]["id"] != world["proposal"]
    page = city_staff.get(at(world, "city", forwarding))
    assert page.status_code == 200
    source_row = page.text.split('id="forwarding-source"')[1].split("</tr>")[0]
    assert a_name in source_row

    accepted = city_staff.post_form(
        at(world, "city", "/admin/proposals/proposal/"),
        {"action": "accept", "_selected_action": [received[0]["id"]], "index": 0, "note": ""},
    )
    assert accepted.status_code == 302, accepted.text[:2000]

    page = a_staff.get(at(world, "a", forwarding))
    target_row = page.text.split('id="forwarding-target"')[1].split("</tr>")[0]
    assert city_name in target_row and world["labels"]["accepted"] in target_row
    # Its own proposal kept its state at the district.
    own = [
        p for p in rows(a_staff.api_get(at(world, "a", "/api/v1/proposals/"))) if p["id"] == world["proposal"]
    ]
    assert own and own[0]["state"] == "awaiting_review"
    # The other district's office does not even find the forwarding.
    assert Person(live_stage, world, "b.staff").get(at(world, "b", forwarding)).status_code == 404


def test_committee_addresses_answer_in_their_committee_and_404_for_a_person_without_a_seat(live_stage, world):
    a_staff, b_staff = Person(live_stage, world, "a.staff"), Person(live_stage, world, "b.staff")
    mine = at(world, "a", "/api/v1/proposals/")
    assert world["proposal"] in [p["id"] for p in rows(a_staff.api_get(mine))]
    # 海淀's office, with its own token or session, is told 西城's addresses do not exist.
    assert b_staff.api_get(mine).status_code == 404
    assert b_staff.api_get(at(world, "a", f"/api/v1/proposals/{world['proposal']}/")).status_code == 404
    assert b_staff.get(at(world, "a", "/admin/proposals/proposal/")).status_code == 404
    assert b_staff.get(at(world, "a", "/portal/")).status_code == 404
    # In its own committee it answers, without 西城's row.
    assert world["proposal"] not in [
        p["id"] for p in rows(b_staff.api_get(at(world, "b", "/api/v1/proposals/")))
    ]
    assert b_staff.api_get(at(world, "b", f"/api/v1/proposals/{world['proposal']}/")).status_code == 404
    listing = b_staff.get(at(world, "b", "/admin/proposals/proposal/"))
    assert listing.status_code == 200 and TITLE not in listing.text
    # The page names the committee it works in.
    assert world["committees"]["a"]["name"] in a_staff.get(at(world, "a", "/admin/")).text


def test_the_city_leader_reads_the_roll_up_and_a_district_leader_gets_404(live_stage, world):
    city_leader, a_leader = Person(live_stage, world, "city.leader"), Person(live_stage, world, "a.leader")
    rollup = city_leader.get(at(world, "city", "/dashboard/committees/"))
    assert rollup.status_code == 200
    for key in ("a", "b"):
        assert (
            world["committees"][key]["name"] in rollup.text or world["committees"][key]["slug"] in rollup.text
        )
    drill = city_leader.get(at(world, "city", f"/dashboard/committees/{world['committees']['a']['slug']}/"))
    assert drill.status_code == 200
    # A district has no roll-up, and its leader has no seat in the city.
    assert a_leader.get(at(world, "a", "/dashboard/committees/")).status_code == 404
    assert a_leader.get(at(world, "city", "/dashboard/committees/")).status_code == 404
    assert (
        a_leader.get(at(world, "a", f"/dashboard/committees/{world['committees']['b']['slug']}/")).status_code
        == 404
    )


def export(person: Person, key: str, year: int) -> tuple[int, bytes]:
    """Press "Export to Excel" on the summary page of the committee ``key``; wait for the worker's file."""
    stage, world = person.stage, person.world
    page = person.get(at(world, key, f"/dashboard/summary/?year={year}"))
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = person.pages.post(
        f"{stage.url}{at(world, key, '/dashboard/exports/new/')}",
        data={"csrfmiddlewaretoken": token, "year": year},
        timeout=60,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:1000]
    detail = answer.headers["Location"].removeprefix(stage.url)
    assert detail.startswith(at(world, key, "/dashboard/exports/")), detail
    pk = int(re.search(r"/exports/(\d+)/", detail).group(1))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        download = person.get(at(world, key, f"/dashboard/exports/{pk}/download/"))
        if download.status_code == 200:
            return pk, download.content
        time.sleep(1)
    raise AssertionError(f"export {pk} not built: {person.get(detail).text[:1000]}")


def proposals_submitted(content: bytes):
    """The proposal analysis sheet's first figure: proposals submitted in the year."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return book.worksheets[1].cell(row=2, column=2).value


def test_an_export_started_in_a_district_is_built_by_the_worker_for_that_district(live_stage, world):
    a_leader, b_leader = Person(live_stage, world, "a.leader"), Person(live_stage, world, "b.leader")
    pk, content = export(a_leader, "a", world["year"])
    # Built on the worker with 西城's rows: its three proposals of the year.
    assert proposals_submitted(content) == 3
    # 海淀's leader finds no such export, in its committee or at 西城's address; its own counts none.
    assert b_leader.get(at(world, "b", f"/dashboard/exports/{pk}/")).status_code == 404
    assert b_leader.get(at(world, "a", f"/dashboard/exports/{pk}/")).status_code == 404
    _pk, theirs = export(b_leader, "b", world["year"])
    assert proposals_submitted(theirs) in (0, None)
