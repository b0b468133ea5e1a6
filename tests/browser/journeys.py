"""Steps the browser journeys share (importable without Django set up: verify/scale_check.py
runs the atlas journeys against a server of its own)."""

from tests.browser.axe import axe_violations, describe


def check_page(page, exclude=()) -> None:
    """The page as it is now has no serious or critical accessibility violation (axe-core,
    WCAG 2.0 and 2.1, A and AA): every journey calls it on each page it visits, once the
    page shows what the journey came for. `exclude`: CSS selectors to leave out (say why)."""
    violations = axe_violations(page, exclude=exclude)
    assert not violations, describe(violations, page.url)


def log_in(page, email: str) -> None:
    page.goto(page.base_url + "/comptes/connexion/")
    check_page(page)
    page.get_by_label("Adresse électronique").fill(email)
    from tests.accounts.factories import PASSWORD  # Django's models: only where logged in

    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
