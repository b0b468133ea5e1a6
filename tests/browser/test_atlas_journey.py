"""Journey 1 (atlas): open the atlas, zoom to a département, click a commune, search."""

import re

import pytest

pytestmark = pytest.mark.browser

MOUANS_SARTOUX = (6.9695, 43.6145)


def wait_for_idle_map(page, layer):
    page.wait_for_function(
        """layer => {
            const map = window.territoiresAtlas;
            return map && map.loaded() && map.areTilesLoaded()
                && map.queryRenderedFeatures({layers: [layer]}).length > 0;
        }""",
        arg=layer,
    )


def hover(page, lng_lat):
    """Move the pointer over a place of the atlas: its tooltip, and a click at that place."""
    point = page.evaluate("c => window.territoiresAtlas.project(c)", list(lng_lat))
    box = page.locator("#atlas-map").bounding_box()
    x, y = box["x"] + point["x"], box["y"] + point["y"]
    page.mouse.move(x, y)
    tooltip = page.locator("[data-atlas-tooltip]")
    tooltip.wait_for(state="visible")
    return tooltip, lambda: page.mouse.click(x, y)


def test_atlas_to_commune_page_then_search(page):
    page.goto(page.base_url + "/")
    wait_for_idle_map(page, "region-fill")
    assert page.locator("[data-atlas-legend] li").count() >= 2
    assert "INSEE" in page.locator(".maplibregl-ctrl-attrib").inner_text()
    # MapLibre's own controls speak French too.
    zoom_in = page.locator(".maplibregl-ctrl-zoom-in")
    assert zoom_in.get_attribute("aria-label") == zoom_in.get_attribute("title") == "Zoomer"
    assert page.locator(".maplibregl-ctrl-zoom-out").get_attribute("title") == "Dézoomer"
    assert page.locator("#atlas-map canvas").get_attribute("aria-label") == "Carte"

    # Zoom to the Alpes-Maritimes: the level follows the zoom, communes appear.
    bbox = page.evaluate(
        "fetch('/api/v1/territories/departement/06').then(r => r.json()).then(d => d.bbox)"
    )
    page.evaluate(
        "b => window.territoiresAtlas.fitBounds([[b[0], b[1]], [b[2], b[3]]], {animate: false})",
        bbox,
    )
    wait_for_idle_map(page, "commune-fill")
    assert page.locator("[data-atlas-level]").inner_text() == "communes"

    # Hover shows the name and population; a click opens the commune's page.
    tooltip, click = hover(page, MOUANS_SARTOUX)
    assert "Mouans-Sartoux" in tooltip.inner_text()
    assert re.search(r"9\s701", tooltip.inner_text())
    click()
    page.wait_for_url(re.compile(r"/territoires/commune/06084-mouans-sartoux/$"))
    assert page.locator("h1").inner_text() == "Mouans-Sartoux"
    assert page.locator(".breadcrumb").get_by_text("Alpes-Maritimes").is_visible()

    # The search box suggests as one types, with the keyboard.
    search = page.get_by_role("combobox", name="Rechercher un territoire")
    search.fill("loos en gohelle")
    page.get_by_role("option").first.wait_for()
    assert "Loos-en-Gohelle" in page.get_by_role("option").first.inner_text()
    search.press("ArrowDown")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/territoires/commune/62528-loos-en-gohelle/$"))
    assert page.locator("h1").inner_text() == "Loos-en-Gohelle"


def test_territory_page_draws_its_outline_and_members(page):
    page.goto(page.base_url + "/territoires/departement/06/")
    page.locator(".outline-map canvas").wait_for()
    assert page.locator(".member-list li").count() > 100
    assert page.locator("h1").inner_text() == "Alpes-Maritimes"
    outline = page.locator(".outline-map")
    assert outline.locator(".maplibregl-ctrl-zoom-in").get_attribute("title") == "Zoomer"
    assert outline.locator("canvas").get_attribute("aria-label") == "Carte"
    toggle = outline.locator(".maplibregl-ctrl-attrib-button")
    assert toggle.get_attribute("title") == "Afficher ou masquer les crédits"
    gestures = outline.locator(".maplibregl-desktop-message").text_content()
    assert gestures == "Utilisez Ctrl + molette pour zoomer sur la carte"


def test_at_the_regions_level_the_pointer_finds_regions(page):
    """Bug: at the first view (régions), hovering and clicking found the département below
    the pointer, MapLibre returning the next level's features under its fractional minzoom."""
    page.goto(page.base_url + "/")
    wait_for_idle_map(page, "region-fill")
    assert page.locator("[data-atlas-level]").inner_text() == "régions"
    tooltip, click = hover(page, MOUANS_SARTOUX)
    assert "Provence-Alpes-Côte d'Azur" in tooltip.inner_text()
    tip, box = tooltip.bounding_box(), page.locator("#atlas-map").bounding_box()
    assert tip["x"] + tip["width"] <= box["x"] + box["width"]  # never cut by the map's edge
    click()
    page.wait_for_url(re.compile(r"/territoires/region/93-provence-alpes-cote-dazur/$"))
