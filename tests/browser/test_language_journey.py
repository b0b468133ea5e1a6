"""The language switch: a French visitor (the browser asks for French) reads the atlas in
French, switches to English, reads a portrait in English, and switches back to French."""

import re

import pytest

from tests.browser.axe import axe_violations, describe, focus_ring_failures, missing_references
from tests.territories.factories import commune

pytestmark = pytest.mark.browser


def switch(page):
    return page.locator("nav.language-switch")


def current_language(page) -> str:
    return switch(page).locator("a[aria-current='true']").get_attribute("hreflang")


def test_a_visitor_switches_to_english_and_back(page):
    home = page.base_url + "/"
    page.goto(home)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Atlas des territoires"
    assert switch(page).get_attribute("aria-label") == "Langue"
    assert current_language(page) == "fr"

    # English: the same address, now in English, its own language marked in the switch.
    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    page.wait_for_url(home)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Atlas of territories"
    assert page.get_by_role("navigation", name="Main navigation").is_visible()
    assert current_language(page) == "en"
    # The maps' controls speak English too.
    assert '"Zoom in"' in page.locator("#map-locale").text_content()
    # The choice is a cookie, for the whole site, out of scripts' reach.
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "django_language"]
    assert cookie["value"] == "en" and cookie["path"] == "/"
    assert cookie["sameSite"] == "Lax" and cookie["httpOnly"] and cookie["expires"] > 0

    # A portrait, in English though the browser asks for French: the choice wins.
    portrait = page.base_url + commune("06084").get_absolute_url()
    page.goto(portrait)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Mouans-Sartoux"
    assert page.get_by_role("heading", name="Key figures").is_visible()
    assert re.search(r"9,701 inhab\.", page.locator("main").inner_text())
    violations = axe_violations(page) + missing_references(page) + focus_ring_failures(page)
    assert not violations, describe(violations, "portrait in English")

    # Back to French, on the same portrait.
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    page.wait_for_url(portrait)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Chiffres clés").is_visible()
    assert re.search(r"9\s701 hab\.", page.locator("main").inner_text())
    assert current_language(page) == "fr"
    page.goto(home)
    assert page.locator("h1").inner_text() == "Atlas des territoires"
