"""Journey of a first visit, on the demo content of `make run`: the home → a pioneer's
portrait from the atlas layer → the header's search « climat » → the commons → an export
downloaded → the site in English, and back to French. axe-core checks every page."""

import csv
import io
import re
from pathlib import Path

import pytest

from territoires.initiatives.demo import load_demo_commons
from tests.browser.journeys import check_page

pytestmark = pytest.mark.browser


@pytest.fixture
def demo():
    load_demo_commons()


def test_a_first_visit_leads_somewhere(page, demo):
    page.goto(page.base_url + "/")
    assert page.locator("h1").inner_text() == "Atlas des territoires"
    check_page(page)

    # The atlas's layer of engaged territories: a pioneer is one of its links.
    layer = page.locator("[data-engaged-layer]")
    layer.get_by_role("link", name=re.compile("^Mouans-Sartoux")).first.click()
    page.wait_for_url(re.compile(r"/territoires/commune/06084-mouans-sartoux/$"))
    assert page.locator("h1").inner_text() == "Mouans-Sartoux"
    check_page(page)

    # The header's box: territories as one types, and the commons for the same words.
    box = page.get_by_role("combobox", name="Rechercher un territoire ou dans les communs")
    box.fill("climat")
    commons = page.locator("#suggestion-commons")
    commons.wait_for()
    counted = re.search(r"(\d+) initiatives?", commons.inner_text())
    assert counted and int(counted.group(1)) > 0, commons.inner_text()
    commons.click()
    page.wait_for_url(re.compile(r"/recherche/\?q=climat$"))
    # As many results as announced, the matched words marked in the snippets.
    total = page.locator("#results-title").inner_text()
    assert re.sub(r"\D", "", total) == counted.group(1), total
    assert page.locator("ol.hits > li.hit").count() == min(int(counted.group(1)), 20)
    assert page.locator("ol.hits mark").first.inner_text().lower().startswith("climat")
    check_page(page)

    # Open data, from the footer; the CSV downloaded is the initiatives of the commons.
    page.get_by_role("contentinfo").get_by_role("link", name="Données ouvertes").click()
    page.wait_for_url(re.compile(r"/donnees/$"))
    assert page.locator("h1").inner_text() == "Données ouvertes"
    check_page(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) > 10 and "titre" in [cell.lower() for cell in rows[0]]

    # The site in English, the same page; then back to French.
    open_data = page.url
    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    page.wait_for_url(open_data)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Open data"
    check_page(page)
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    page.wait_for_url(open_data)
    assert page.locator("h1").inner_text() == "Données ouvertes"
