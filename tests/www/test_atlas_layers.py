"""The atlas shows where transition happens: the documented territories (narrowed by theme
or lever), project territories drawn as their own layer; the home page points to the
portraits and the latest initiatives and words."""

from territoires.initiatives import services
from territoires.initiatives.models import Theme
from territoires.www.services import save_project
from tests.initiatives.factories import InitiativeFactory


def features(client, name, **params):
    response = client.get(f"/atlas/couches/{name}.geojson", params)
    assert response.status_code == 200
    return {f["properties"]["name"]: f for f in response.json()["features"]}


def test_the_documented_layer_counts_and_filters(client, town, elsewhere):
    energy = Theme.objects.get(slug="energie")
    solar = InitiativeFactory(territory=town, published=True, levers=["financer_investir"])
    solar.themes.set([energy])
    InitiativeFactory(territory=town, published=True)
    InitiativeFactory(territory=elsewhere, published=True, levers=["epargner"])
    InitiativeFactory(territory=elsewhere)  # a draft: not counted
    services.set_presentation(elsewhere, "Une présentation.", source="un document")

    everything = features(client, "documented")
    assert everything[town.name]["properties"]["initiatives"] == 2
    assert everything[elsewhere.name]["properties"] == {
        **everything[elsewhere.name]["properties"],
        "initiatives": 1,
        "portrait": 1,
    }
    assert list(features(client, "documented", theme="energie")) == [town.name]
    assert list(features(client, "documented", levier="epargner")) == [elsewhere.name]
    refused = client.get("/atlas/couches/documented.geojson", {"theme": "inconnu"})
    assert refused.status_code == 400


def test_project_territories_are_drawn_as_outlines(client, alice):
    save_project(name="PETR des tests", member_codes=["06084", "06004"], by=alice)
    feature = features(client, "projects")["PETR des tests"]
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert feature["properties"]["members"] == 2


def test_the_home_page_shows_the_layers_and_where_to_start(client, town):
    InitiativeFactory(territory=town, published=True, title="Régie agricole municipale")
    services.set_presentation(town, "Une commune pionnière.", source="un document")
    home = client.get("/").text
    assert "Territoires documentés" in home and "Territoires de projet" in home
    assert 'data-atlas-filter="theme"' in home and 'data-atlas-filter="levier"' in home
    assert "Régie agricole municipale" in home and town.get_absolute_url() in home
