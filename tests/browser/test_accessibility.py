"""Accessibility of the main pages: axe-core (WCAG 2.0 and 2.1, A and AA) finds no
violation of serious or critical impact, for visitors and for a territory's contributor;
nor do the two checks of tests/browser/axe.py that axe does not make (references to
missing elements, the focus ring's contrast in the header). The demo commons give the
pages their content."""

import pytest
from django.urls import reverse

from territoires.accounts.enums import Role
from territoires.initiatives.demo import load_demo_commons
from territoires.initiatives.models import Initiative
from tests.accounts.factories import MembershipFactory
from tests.browser.axe import axe_violations, describe, focus_ring_failures, missing_references
from tests.browser.journeys import log_in
from tests.browser.test_atlas_journey import wait_for_idle_map
from tests.browser.test_commons_journey import PACT2_INITIATIVE
from tests.territories.factories import commune

pytestmark = pytest.mark.browser


@pytest.fixture
def commons():
    load_demo_commons()  # indexed for the search once committed


def portrait_url():
    return commune("06084").get_absolute_url()


def initiative_url():
    return Initiative.objects.get(title=PACT2_INITIATIVE).get_absolute_url()


def new_initiative_url():
    town = commune("06084")
    return reverse("portraits:initiative_create", args=[town.kind, town.code, town.slug])


def atlas_ready(page):
    wait_for_idle_map(page, "region-fill")


def search_ready(page):
    page.locator(".hit").first.wait_for()


def api_docs_ready(page):
    # Swagger UI draws the operations once it has read the OpenAPI schema.
    page.locator(".opblock").first.wait_for()


def api_docs_tried(page):
    """An operation opened and run, its answer shown (as in the CSP journey)."""
    api_docs_ready(page)
    page.get_by_text("/api/v1/territories/search").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("input[placeholder='q']").fill("mouans")
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response-col_description pre").first.wait_for()


VISITOR_PAGES = [
    ("atlas home", lambda: "/", atlas_ready),
    ("portrait", portrait_url, None),
    ("search with results", lambda: "/recherche/?q=Mouans-Sartoux", search_ready),
    ("initiative", initiative_url, None),
    ("login", lambda: "/comptes/connexion/", None),
    ("sign-up", lambda: "/comptes/inscription/", None),
    ("API docs", lambda: "/api/v1/docs", api_docs_ready),
    ("API docs, an operation tried", lambda: "/api/v1/docs", api_docs_tried),
    ("data sources", lambda: "/donnees/sources/", None),
    ("not found (404)", lambda: "/nulle-part/", None),
]


def audit(page, name, found):
    """Records the serious and critical violations of the page as it is now."""
    page.wait_for_load_state("networkidle")
    found[name] = axe_violations(page) + missing_references(page) + focus_ring_failures(page)
    print(f"accessibility: {name}: {len(found[name])} serious or critical violation(s)")


def report(found):
    return "\n\n".join(
        describe(violations, name) for name, violations in found.items() if violations
    )


# One test per role, not per page: each test imports the sample registry again (seconds),
# and the pages only read. The failure lists the violations page by page.


def test_main_pages_have_no_serious_violation(page, commons):
    found = {}
    for name, url, ready in VISITOR_PAGES:
        page.goto(page.base_url + url())
        if ready:
            ready(page)
        audit(page, name, found)
    assert not any(found.values()), report(found)


def test_contributor_pages_have_no_serious_violation(page, commons):
    member = MembershipFactory(user__email="contrib@example.org", role=Role.CONTRIBUTOR).user
    log_in(page, member.email)
    page.wait_for_url(lambda url: "/connexion/" not in url)
    found = {}
    page.goto(page.base_url + portrait_url())
    audit(page, "portrait, edit mode", found)
    # A section's form swapped in place (HTMX).
    section = page.locator("#section-verbatims")
    section.get_by_role("link", name="Ajouter").click()
    section.get_by_label("Paroles").wait_for()
    audit(page, "portrait, edit mode, words form open", found)
    page.goto(page.base_url + new_initiative_url())
    audit(page, "new initiative form", found)
    assert not any(found.values()), report(found)
