"""Journey 1 (atlas): open the atlas, zoom to a département, click a commune, search."""

import re

import pytest

from tests.browser.journeys import check_page

pytestmark = pytest.mark.browser

MOUANS_SARTOUX = (6.9695, 43.6145)


def open_atlas(page, path="/"):
    """The atlas as a visitor starts it: the régions drawn on the server, then « Explorer la
    carte interactive », which loads the map in their place."""
    page.goto(page.base_url + path)
    start = page.get_by_role("button", name="Explorer la carte interactive")
    if start.is_visible():  # verify/scale_check.py may have started it on arrival
        start.click()


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
    open_atlas(page)
    wait_for_idle_map(page, "region-fill")
    page.locator("[data-atlas-drawing]").wait_for(state="detached")
    # The map took the drawing's place, and the keyboard's focus with it.
    assert page.evaluate("document.activeElement.classList.contains('maplibregl-canvas')")
    assert page.get_by_role("button", name="Explorer la carte interactive").is_hidden()
    check_page(page)
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
    check_page(page)

    # The search box suggests as one types, with the keyboard.
    search = page.get_by_role("combobox", name="Rechercher un territoire")
    search.fill("loos en gohelle")
    page.get_by_role("option").first.wait_for()
    assert "Loos-en-Gohelle" in page.get_by_role("option").first.inner_text()
    search.press("ArrowDown")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/territoires/commune/62528-loos-en-gohelle/$"))
    assert page.locator("h1").inner_text() == "Loos-en-Gohelle"
    check_page(page)


def test_territory_page_draws_its_outline_and_members(page):
    """The outline and the members' borders are drawn on the server; the interactive map
    (MapLibre) loads when asked, in their place."""
    page.goto(page.base_url + "/territoires/departement/06/")
    drawing = page.get_by_role("img", name="Alpes-Maritimes : contour et limites de ses membres")
    assert drawing.is_visible()
    assert page.locator(".outline-members").get_attribute("d").count("m") > 100
    assert page.locator(".member-list li").count() > 100
    assert page.locator("h1").inner_text() == "Alpes-Maritimes"
    assert page.evaluate("typeof maplibregl") == "undefined"  # nothing loaded yet
    check_page(page)

    button = page.get_by_role("button", name="Voir sur la carte interactive")
    button.click()
    outline = page.locator(".outline-map")
    outline.locator("canvas").wait_for()
    drawing.wait_for(state="detached")  # once the map has drawn the outlines
    assert button.is_hidden()
    # The button is gone: the keyboard's focus is on the map.
    assert page.evaluate("document.activeElement.classList.contains('maplibregl-canvas')")
    assert outline.locator(".maplibregl-ctrl-zoom-in").get_attribute("title") == "Zoomer"
    assert outline.locator("canvas").get_attribute("aria-label") == "Carte"
    toggle = outline.locator(".maplibregl-ctrl-attrib-button")
    assert toggle.get_attribute("title") == "Afficher ou masquer les crédits"
    gestures = outline.locator(".maplibregl-desktop-message").text_content()
    assert gestures == "Utilisez Ctrl + molette pour zoomer sur la carte"
    check_page(page)

    # The atlas, framed on the département.
    page.get_by_role("link", name="Voir dans l'atlas").click()
    page.wait_for_function("() => window.territoiresAtlas && window.territoiresAtlas.loaded()")
    centre = page.evaluate("() => window.territoiresAtlas.getCenter().toArray()")
    assert centre == pytest.approx([7.07, 43.94], abs=0.2)
    assert page.locator("[data-atlas-level]").inner_text() in ("intercommunalités", "communes")


def test_at_the_regions_level_the_pointer_finds_regions(page):
    """Bug: at the first view (régions), hovering and clicking found the département below
    the pointer, MapLibre returning the next level's features under its fractional minzoom."""
    open_atlas(page)
    wait_for_idle_map(page, "region-fill")
    check_page(page)
    assert page.locator("[data-atlas-level]").inner_text() == "régions"
    tooltip, click = hover(page, MOUANS_SARTOUX)
    assert "Provence-Alpes-Côte d'Azur" in tooltip.inner_text()
    tip, box = tooltip.bounding_box(), page.locator("#atlas-map").bounding_box()
    assert tip["x"] + tip["width"] <= box["x"] + box["width"]  # never cut by the map's edge
    click()
    page.wait_for_url(re.compile(r"/territoires/region/93-provence-alpes-cote-dazur/$"))
    check_page(page)


def test_the_atlas_is_drawn_first_and_the_map_starts_on_demand(page):
    """The home page shows the régions drawn on the server, each a link, and no map library;
    the interactive map starts when asked, and at once on the next visit of the session."""
    page.goto(page.base_url + "/")
    drawing = page.get_by_role("group", name=re.compile("Les régions de France"))
    assert drawing.is_visible()
    assert page.evaluate("typeof maplibregl") == "undefined"
    assert page.locator("#atlas-map canvas").count() == 0
    check_page(page)
    page.get_by_role("link", name="Provence-Alpes-Côte d'Azur").click()
    page.wait_for_url(re.compile(r"/territoires/region/93-provence-alpes-cote-dazur/$"))

    page.go_back()
    page.get_by_role("button", name="Explorer la carte interactive").click()
    wait_for_idle_map(page, "region-fill")
    drawing.wait_for(state="detached")
    # Started once in this session: the atlas opens as a map from now on.
    page.goto(page.base_url + "/recherche/")
    page.goto(page.base_url + "/")
    wait_for_idle_map(page, "region-fill")
    assert page.locator("[data-atlas-drawing]").count() == 0


def test_a_map_address_starts_the_map_at_once(page):
    """« Voir dans l'atlas » links frame a place (#carte=zoom/lat/lng): the map, there."""
    page.goto(page.base_url + "/#carte=9/43.6145/6.9695")
    wait_for_idle_map(page, "commune-fill")
    centre = page.evaluate("() => window.territoiresAtlas.getCenter().toArray()")
    assert centre == pytest.approx([6.9695, 43.6145], abs=0.01)
    assert page.locator("[data-atlas-level]").inner_text() == "communes"


def test_a_panel_control_starts_the_map_and_applies(page):
    page.goto(page.base_url + "/")
    page.get_by_label("Couleur selon").select_option("density")
    wait_for_idle_map(page, "region-fill")
    assert "Densité" in page.locator("[data-atlas-legend]").inner_text()
