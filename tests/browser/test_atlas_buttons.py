"""The atlas's « Aller à » buttons take the map to their région, overseas included."""

import pytest

from territoires.territories.models import Territory
from tests.www.test_numbers import OVERSEAS

pytestmark = pytest.mark.browser


def test_every_button_takes_the_map_to_its_region(page):
    """Bug: the overseas buttons threw « Invalid LngLat latitude value » and did nothing.
    The first button pressed starts the map (the page shows a drawing until then)."""
    for code, (west, south, east, north) in OVERSEAS.items():
        Territory.objects.filter(kind="region", code=code).update(
            west=west, south=south, east=east, north=north
        )
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page.base_url + "/")
    for code, (west, south, east, north) in OVERSEAS.items():
        name = Territory.objects.get(kind="region", code=code).name
        page.locator(".atlas-jumps").get_by_role("button", name=name, exact=True).click()
        page.wait_for_function(
            "() => window.territoiresAtlas && window.territoiresAtlas.loaded()"
            " && !window.territoiresAtlas.isMoving()"
        )
        lng, lat = page.evaluate(
            "() => { const c = window.territoiresAtlas.getCenter(); return [c.lng, c.lat]; }"
        )
        assert west <= lng <= east and south <= lat <= north, (name, lng, lat)
    assert not errors, errors
