"""Deleting asks first: dismissed, nothing goes; accepted, the controversy is deleted."""

import pytest

from territoires.accounts.enums import Role
from territoires.controversies.models import Controversy
from tests.accounts.factories import MembershipFactory
from tests.browser.journeys import log_in
from tests.territories.factories import commune

pytestmark = pytest.mark.browser


def test_a_controversy_is_deleted_only_once_confirmed(page):
    town = commune("06084")
    MembershipFactory(user__email="bob@example.org", territory=town, role=Role.CONTRIBUTOR)
    controversy = Controversy.objects.create(territory=town, subject="Le parc éolien")
    log_in(page, "bob@example.org")
    page.goto(page.base_url + controversy.get_absolute_url())
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Supprimer la controverse").click()
    page.wait_for_timeout(300)  # a dismissed dialog sends nothing: give it the chance to
    assert asked and "ses positions" in asked[0]
    assert Controversy.objects.filter(pk=controversy.pk).exists()

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Supprimer la controverse").click()
    assert "Controverse supprimée." in page.locator("body").inner_text()
    assert not Controversy.objects.filter(pk=controversy.pk).exists()
