import re

from django.core import mail
from django.core.management import call_command

from territoires.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory


def test_login_with_email_and_password(client):
    user = UserFactory(email="camille@example.org")
    response = client.post(
        "/comptes/connexion/", {"username": "Camille@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    wrong = client.post("/comptes/connexion/", {"username": user.email, "password": "non"})
    assert wrong.status_code == 200 and "Saisissez" in wrong.text


def test_password_reset_by_email(client):
    user = UserFactory(email="reset@example.org")
    response = client.post("/comptes/mot-de-passe/", {"email": "reset@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://[^\s]+/comptes/mot-de-passe/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200 and "Nouveau mot de passe" in form.text
    new = "un tout autre secret 42"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_unknown_email_reset_says_nothing_and_sends_nothing(client):
    response = client.post("/comptes/mot-de-passe/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_signup_then_dashboard(client):
    secret = "une phrase de passe assez longue"
    response = client.post(
        "/comptes/inscription/",
        {
            "email": "Nouvelle@Example.org",
            "display_name": "Nouvelle",
            "password1": secret,
            "password2": secret,
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="nouvelle@example.org").exists()
    dashboard = client.get("/comptes/mon-espace/")
    assert "Nouvelle" in dashboard.text
    again = client.post(
        "/comptes/inscription/",
        {
            "email": "nouvelle@example.org",
            "password1": secret,
            "password2": secret,
        },
    )
    assert again.status_code in (302, 400)


def test_signup_duplicate_email_is_refused_in_french(client):
    UserFactory(email="deja@example.org")
    secret = "une phrase de passe assez longue"
    response = client.post(
        "/comptes/inscription/",
        {
            "email": "DEJA@example.org",
            "password1": secret,
            "password2": secret,
        },
    )
    assert response.status_code == 400
    assert "Un compte existe déjà" in response.text


def test_dashboard_needs_login(client):
    response = client.get("/comptes/mon-espace/")
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]


def test_demo_accounts_are_created_once(capsys):
    call_command("load_demo", accounts=True)
    call_command("load_demo", accounts=True)
    alice = User.objects.get(email="alice@demo.territoires.localhost")
    assert alice.memberships.filter(territory__code="06084", role="admin").exists()
    assert User.objects.filter(email__endswith="@demo.territoires.localhost").count() == 5
