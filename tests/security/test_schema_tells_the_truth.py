"""What the live schema fuzz found the schema saying wrongly (issue 13, defect 20), one test each.

The published schema must describe every answer and every value the server accepts, so that a
schema-valid request is never refused as bad input; tests/live/test_schema_fuzz.py checks the whole
of it against the live server, these pin each finding in process.
"""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def query_schema(schema, path, name, method="get"):
    parameters = schema["paths"][path][method]["parameters"]
    return next(p["schema"] for p in parameters if p["name"] == name and p["in"] == "query")


def response_schema(schema, path, method, status):
    return schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/members/duty-records/",
        "/api/v1/supervision/topics/",
        "/api/v1/workplan/items/",
        "/api/v1/workplan/sections/",
        "/api/v1/workplan/tasks/",
        "/api/v1/workplan/progress-updates/",
        "/api/v1/workplan/items/suggest/",
        "/api/v1/members/scores/ranking/",
    ],
)
def test_every_year_parameter_states_the_years_the_server_takes(schema, path):
    year = query_schema(schema, path, "year")
    assert (year["type"], year["minimum"], year["maximum"]) == ("integer", 1949, 2100)


@pytest.mark.parametrize(
    ("path", "largest"), [("/api/v1/proposals/similar/", 20), ("/api/v1/workplan/items/suggest/", 10)]
)
def test_the_limit_of_similarity_and_suggestions_states_its_range(schema, path, largest):
    limit = query_schema(schema, path, "limit")
    assert (limit["minimum"], limit["maximum"]) == (1, largest)


def test_the_consultation_timeline_and_posts_are_documented_as_the_lists_they_are(schema):
    for path in ("/api/v1/consultations/topics/{id}/timeline/", "/api/v1/consultations/topics/{id}/posts/"):
        assert response_schema(schema, path, "get", "200")["type"] == "array"
    posts = schema["paths"]["/api/v1/consultations/topics/{id}/posts/"]["post"]
    assert "201" in posts["responses"] and "200" not in posts["responses"]
    body = posts["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/ConsultationPostCreateRequest")


def test_the_recommendation_state_filter_lists_the_empty_value_it_accepts(schema, staff_user):
    assert "" in query_schema(schema, "/api/v1/supervision/recommendations/", "state")["enum"]
    client = APIClient()
    client.force_authenticate(staff_user)
    assert client.get("/api/v1/supervision/recommendations/?state=").status_code == 200
    assert client.get("/api/v1/supervision/recommendations/?state=nonsense").status_code == 400


def test_every_write_documents_the_409_of_a_state_rule_and_of_a_reused_idempotency_key(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api/v1/") and method in ("post", "put", "patch", "delete"):
                assert "409" in operation["responses"], f"{method} {path}"
                assert "idempotency_key_reused" in operation["responses"]["409"]["description"]
                assert "422" not in operation["responses"], f"{method} {path}"


def test_an_upload_is_documented_as_never_empty_since_an_empty_file_is_refused(schema):
    components = schema["components"]["schemas"]
    files = components["DutyRecordUploadRequest"]["properties"]["files"]["items"]
    attachment = components["ProgressUpdateUploadRequest"]["properties"]["attachment"]
    assert files["minLength"] == 1 and attachment["minLength"] == 1
