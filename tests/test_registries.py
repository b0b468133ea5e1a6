"""A new app plugs into the four registries without a file of core, territories or www
changing: tests/plugin_app (installed by the test settings only) registers a portrait
section, a search kind with its facet, trajectory items and an atlas layer."""

from territoires.core import search


def test_its_portrait_section_and_trajectory_items_are_on_the_page(client, town):
    page = client.get(town.get_absolute_url()).text
    assert 'id="section-greffon"' in page and "Section du greffon de test" in page
    # Trajectory: past before vision, by year, among the territory's own milestones.
    past, vision = page.index("Plugin : un jalon de test"), page.index("Plugin : une vision")
    assert past < vision
    # Only where the app says so.
    other = client.get(town.departement.get_absolute_url()).text
    assert "greffon" not in other and "Plugin :" not in other


def test_its_documents_are_searched_and_faceted(client, town):
    search.reindex(["plugin-note"])
    results = search.search(search.SearchQuery(text="carnet de bord"))
    assert [(hit.kind, hit.title) for hit in results.hits] == [
        ("plugin-note", "Note du greffon de test")
    ]
    assert results.facets["plugin_moods"] == [("curieux", 1)]
    page = client.get("/recherche/", {"q": "carnet", "humeur": "curieux"})
    assert page.status_code == 200 and "Note du greffon de test" in page.text
    assert 'name="humeur" value="curieux"' in page.text
    refused = client.get("/recherche/", {"q": "carnet", "humeur": "grognon"})
    assert refused.status_code == 400


def test_its_layer_is_on_the_atlas(client, town):
    home = client.get("/").text
    assert "Couche du greffon" in home
    layer = client.get("/atlas/couches/plugin.geojson").json()
    (feature,) = layer["features"]
    assert feature["properties"]["name"] == town.name
    assert feature["properties"]["notes"] == 2
    assert feature["properties"]["url"] == town.get_absolute_url()
    assert client.get("/atlas/couches/inconnue.geojson").status_code == 404
