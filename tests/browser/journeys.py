"""Steps the browser journeys share."""

from tests.accounts.factories import PASSWORD


def log_in(page, email: str) -> None:
    page.goto(page.base_url + "/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
