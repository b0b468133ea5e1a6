"""The site under its Content-Security-Policy, in a real browser.

Every browser test fails on a violation (tests/browser/conftest.py); these visit what the
journeys leave out: the videos a click loads, the API's documentation, and the behaviours
moved out of inline code (the atlas's legend, HTMX's filter expression).
"""

import re

import pytest

from territoires.initiatives.services import add_video
from tests.browser.test_atlas_journey import open_atlas, wait_for_idle_map
from tests.territories.factories import commune

pytestmark = pytest.mark.browser

VIDEOS = {
    "youtube": ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/"),
    "vimeo": ("https://vimeo.com/76979871", "https://player.vimeo.com/"),
    "peertube": (
        "https://tube.example.fr/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
        "https://tube.example.fr/",
    ),
}


def test_the_watch_catches_a_violation(page):
    """The check every browser test relies on sees what the policy refuses."""
    page.goto(page.base_url + "/recherche/")
    page.evaluate("""() => document.body.insertAdjacentHTML(
        "beforeend", '<p style="color: red">inline</p>')""")
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 100))")
    assert any("style-src" in violation for violation in page.policy_violations)
    page.policy_violations.clear()


def test_videos_load_after_a_click_from_each_provider(page):
    town = commune("06084")
    for provider, (url, _player) in VIDEOS.items():
        add_video(url, title=f"Vidéo {provider}", territory=town)
    # Nothing leaves the test machine: each player answers with a page of its own.
    players = []
    for _url, player in VIDEOS.values():
        page.context.route(
            re.compile("^" + re.escape(player)),
            lambda route: (
                players.append(route.request.url),
                route.fulfill(body="<p>Lecteur</p>", content_type="text/html"),
            ),
        )
    page.goto(page.base_url + town.get_absolute_url())
    for provider, (_url, player) in VIDEOS.items():
        figure = page.locator(f"figure[data-video-provider={provider}]")
        assert figure.locator("iframe").count() == 0  # nothing before the click
        figure.get_by_role("button").click()
        frame = figure.locator("iframe")
        frame.wait_for()
        assert frame.get_attribute("src").startswith(player)
        page.frame_locator(f"figure[data-video-provider={provider}] iframe").get_by_text(
            "Lecteur"
        ).wait_for()
    assert len(players) == len(VIDEOS)


def test_the_api_documentation_works_under_the_policy(page):
    """A page of the site without script of its own: its contents lead to an operation,
    whose « Essayer » link answers its example."""
    page.goto(page.base_url + "/api/v1/docs")
    page.get_by_role("link", name="Un territoire", exact=True).click()
    assert page.url.endswith("#territoires_territories_api_detail")
    page.get_by_role(
        "link", name="Essayer GET /api/v1/territories/{kind}/{code}", exact=True
    ).click()
    page.wait_for_url("**/api/v1/territories/commune/06084")
    assert "Mouans-Sartoux" in page.locator("body").inner_text()


def test_the_atlas_legend_is_coloured(page):
    open_atlas(page)  # MapLibre and js/atlas.js inserted from the site's origin
    wait_for_idle_map(page, "region-fill")
    swatches = page.locator("[data-atlas-legend] .swatch")
    assert swatches.count() >= 2
    colours = {
        swatches.nth(i).evaluate("node => getComputedStyle(node).backgroundColor")
        for i in range(swatches.count())
    }
    assert len(colours) == swatches.count()  # one colour per class
    assert "rgba(0, 0, 0, 0)" not in colours


def test_suggestions_come_back_when_the_search_box_is_focused_again(page):
    page.goto(page.base_url + "/recherche/")
    search = page.get_by_role("combobox", name="Rechercher un territoire")
    search.fill("mouans")
    page.get_by_role("option").first.wait_for()
    # A click elsewhere closes the list.
    page.locator("footer.site-footer").click(position={"x": 2, "y": 2})
    assert page.get_by_role("option").count() == 0
    search.focus()
    page.get_by_role("option").first.wait_for()
    assert "Mouans-Sartoux" in page.get_by_role("option").first.inner_text()
