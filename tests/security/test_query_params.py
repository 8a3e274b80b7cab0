"""Bad query values are a 400 (API, JSON with a code) or a form error (page), never a 500
(issue 13, defect 11). Parameters are parsed by django-filter FilterSets, documented in the schema."""

import pytest
from django.test import Client

from tests.factories import SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff_user):
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("sector=abc", "sector"),
        ("committee=abc", "committee"),
        ("year=abc", "year"),
        ("year=99999999999999999999", "year"),
        ("year=0", "year"),
    ],
)
def test_a_bad_ranking_parameter_is_a_400_naming_it_on_the_api(staff_client, query, param):
    response = staff_client.get(f"/api/v1/members/scores/ranking/?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and param in body["detail"]


@pytest.mark.parametrize(("query", "param"), [("sector=999999", "sector"), ("committee=999999", "committee")])
def test_an_id_of_no_row_in_a_ranking_parameter_is_a_404_naming_it_like_an_id_in_the_path(
    staff_client, query, param
):
    # The id is well formed (the schema cannot know which rows exist): not bad input but no object.
    response = staff_client.get(f"/api/v1/members/scores/ranking/?{query}&year=2017")
    assert response.status_code == 404, response.content
    body = response.json()
    assert body["code"] == "not_found" and param in body["detail"]


def test_a_malformed_id_beside_a_missing_one_is_still_a_400(staff_client):
    response = staff_client.get("/api/v1/members/scores/ranking/?sector=999999&committee=abc")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


@pytest.mark.parametrize("query", ["sector=abc", "committee=abc", "year=abc", "sector=1%00"])
def test_a_bad_ranking_parameter_is_a_form_error_on_the_page(staff_client, query):
    response = staff_client.get(f"/portal/ranking/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert any(words in page for words in ("有效", "空字符", "输入整数"))  # Django's Chinese form errors


def test_a_good_ranking_query_still_works_on_the_page_and_the_api(staff_client):
    sector = SectorFactory(name="教育界")
    assert staff_client.get(f"/portal/ranking/?sector={sector.pk}&year=2017").status_code == 200
    assert (
        staff_client.get(f"/api/v1/members/scores/ranking/?sector={sector.pk}&year=2017").status_code == 200
    )


def test_a_nul_character_in_the_directory_search_is_a_form_error(client, member_user):
    client.force_login(member_user)
    response = client.get("/portal/directory/?q=%00")
    assert response.status_code == 400
    assert client.get("/portal/directory/?q=王").status_code == 200


def test_a_nul_character_in_a_history_path_is_a_404(staff_client):
    assert staff_client.get("/history/members/member/1%00/").status_code == 404
    assert staff_client.get("/history/members/mem%00ber/1/").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/api/v1/members/duty-records/?year=abc", "/api/v1/members/participations/?activity=abc"],
)
def test_a_bad_list_filter_on_the_api_is_a_400(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_filters_are_documented_in_the_schema(staff_client):
    schema = staff_client.get("/api/schema/?format=json").json()
    ranking = schema["paths"]["/api/v1/members/scores/ranking/"]["get"]["parameters"]
    assert {"year", "sector", "committee"} <= {p["name"] for p in ranking}
    records = schema["paths"]["/api/v1/members/duty-records/"]["get"]["parameters"]
    assert "year" in {p["name"] for p in records}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/supervision/topics/?year=abc",
        "/api/v1/supervision/recommendations/?state=nonsense",
        "/api/v1/workplan/tasks/?year=abc",
        "/api/v1/workplan/items/?year=20x7",
        "/api/v1/workplan/sections/?year=-1",
        "/api/v1/workplan/progress-updates/?year=abc",
    ],
)
def test_bad_filters_on_the_plan_and_supervision_apis_are_400(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    "path", ["/portal/supervision/topics/?year=abc&item=x", "/portal/proposals/stats/?year=abc"]
)
def test_bad_years_on_pages_are_form_errors_not_500s(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code == 200
    assert "输入整数" in response.content.decode()
