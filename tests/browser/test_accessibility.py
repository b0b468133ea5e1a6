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
from tests.browser.axe import (
    WCAG_TAGS,
    axe_violations,
    describe,
    focus_ring_failures,
    missing_references,
)
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


def atlas_started(page):
    page.get_by_role("button", name="Explorer la carte interactive").click()
    wait_for_idle_map(page, "region-fill")


def search_ready(page):
    page.locator(".hit").first.wait_for()


VISITOR_PAGES = [
    ("atlas home, drawn", lambda: "/", None),
    ("atlas home, map started", lambda: "/", atlas_started),
    ("portrait", portrait_url, None),
    ("search with results", lambda: "/recherche/?q=Mouans-Sartoux", search_ready),
    ("initiative", initiative_url, None),
    ("login", lambda: "/comptes/connexion/", None),
    ("sign-up", lambda: "/comptes/inscription/", None),
    ("API docs", lambda: "/api/v1/docs", None),
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


def test_the_api_documentation_has_no_violation_at_all(page):
    """Generated from the OpenAPI description, the reference is checked beyond the serious:
    every impact, and axe's best practices too (heading order, landmarks), which Lighthouse
    counts; on a computer's screen and a phone's, in French and in English."""
    found = {}
    for width, height in ((1280, 800), (412, 823)):
        page.set_viewport_size({"width": width, "height": height})
        for language in ("fr", "en"):
            page.context.set_extra_http_headers({"Accept-Language": language})
            page.goto(page.base_url + "/api/v1/docs")
            name = f"API docs, {language}, {width} px wide"
            found[name] = axe_violations(
                page,
                impacts=("minor", "moderate", "serious", "critical"),
                tags=(*WCAG_TAGS, "best-practice"),
            ) + missing_references(page)
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
