import re

import pytest

from tests.territories.factories import commune


def test_openapi_description_lists_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/territories/" in paths
    assert "/api/v1/territories/{kind}/{code}" in paths
    assert "/api/v1/territories/{kind}/{code}/outline.geojson" in paths


def test_docs_page_needs_no_external_host(client):
    """The API's reference is a page of the site (tests/test_api_docs.py): it works offline."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "/api/v1/openapi.json" in response.text
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", response.text), response.text


def test_list_filters_by_kind_parent_and_name(client):
    epci = commune("06084").epci
    data = client.get(
        "/api/v1/territories/", {"kind": "commune", "parent": f"epci:{epci.code}"}
    ).json()
    codes = {item["code"] for item in data["items"]}
    assert "06084" in codes
    assert data["count"] == len(codes) or data["count"] > len(codes)
    named = client.get("/api/v1/territories/", {"name": "mouans"}).json()
    assert [item["code"] for item in named["items"]] == ["06084"]
    regions = client.get("/api/v1/territories/", {"kind": "region", "limit": 100}).json()
    assert regions["count"] == 18


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "planete"},
        {"parent": "nimportequoi"},
        {"parent": "departement:00"},
        {"limit": "-1"},
        {"limit": "abc"},
        {"name": ""},
    ],
)
def test_bad_parameters_are_a_400_with_a_french_message(client, params):
    response = client.get("/api/v1/territories/", params)
    assert response.status_code == 400, response.content
    assert response.json()["message"]


def test_limit_is_capped_at_100_with_a_french_message(client):
    assert len(client.get("/api/v1/territories/", {"limit": 100}).json()["items"]) == 100
    for limit in (101, 1_000_000):
        response = client.get("/api/v1/territories/", {"limit": limit})
        assert response.status_code == 400
        message = response.json()["message"]
        assert "limit" in message and "inférieur ou égal à 100" in message, message
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/territories/"]["get"]["parameters"]
    limit = next(parameter for parameter in parameters if parameter["name"] == "limit")
    assert limit["schema"]["maximum"] == 100


def test_huge_offset_is_a_400_not_a_database_error(client):
    response = client.get("/api/v1/territories/", {"offset": 10**20})
    assert response.status_code == 400
    assert "offset" in response.json()["message"]


def test_detail_with_parents_and_population_source(client):
    data = client.get("/api/v1/territories/commune/06084").json()
    assert data["name"] == "Mouans-Sartoux"
    assert data["population"] == 9701 and data["population_year"] == 2017
    assert "INSEE" in data["population_source"]
    assert data["epci"]["code"] == commune("06084").epci.code
    assert data["departement"]["code"] == "06" and data["region"]["code"] == "93"
    assert data["url"] == "/territoires/commune/06084-mouans-sartoux/"
    assert "06370" in data["postcodes"]


def test_unknown_territory_is_a_404_with_a_message(client):
    response = client.get("/api/v1/territories/commune/99999")
    assert response.status_code == 404
    assert "99999" in response.json()["message"]


def test_outline_and_members_are_geojson(client):
    outline = client.get("/api/v1/territories/commune/06084/outline.geojson")
    assert outline["Content-Type"] == "application/geo+json"
    feature = outline.json()
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "MultiPolygon"
    members = client.get("/api/v1/territories/departement/06/members.geojson").json()
    assert members["type"] == "FeatureCollection"
    assert len(members["features"]) > 100


def test_search_endpoint(client):
    results = client.get("/api/v1/territories/search", {"q": "loos en gohelle"}).json()
    assert results[0]["code"] == "62528"
    assert client.get("/api/v1/territories/search", {"q": ""}).status_code == 400


def test_team_endpoint_needs_a_member(client):
    from territoires.accounts.enums import Role
    from tests.accounts.factories import MembershipFactory, UserFactory

    assert client.get("/api/v1/territories/commune/06084/team").status_code == 401
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get("/api/v1/territories/commune/06084/team").status_code == 403
    member = MembershipFactory(role=Role.READER).user
    client.force_login(member)
    response = client.get("/api/v1/territories/commune/06084/team")
    assert response.status_code == 200
    assert response.json()[0]["email"] == member.email
