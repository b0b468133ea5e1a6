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


SECRET = "une phrase de passe assez longue"


def sign_up(client, email, display_name="", password=SECRET):
    return client.post(
        "/comptes/inscription/",
        {
            "email": email,
            "display_name": display_name,
            "password1": password,
            "password2": password,
        },
    )


def link_in(message, path_start):
    """The path of the first link of `message` that starts with `path_start`."""
    return re.search(rf"https?://[^/\s]+({re.escape(path_start)}[^\s]+)", message.body).group(1)


def test_signup_confirm_then_dashboard(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, "Nouvelle@Example.org", "Nouvelle")
    assert response.status_code == 302 and response["Location"] == "/comptes/inscription/envoyee/"
    user = User.objects.get(email="nouvelle@example.org")
    assert not user.is_active and user.display_name == "Nouvelle"
    # Not logged in, and cannot log in before confirming the address.
    assert client.get("/comptes/mon-espace/").status_code == 302
    early = client.post(
        "/comptes/connexion/", {"username": "nouvelle@example.org", "password": SECRET}
    )
    assert early.status_code == 200 and "attend la confirmation de son adresse" in early.text
    wrong = client.post("/comptes/connexion/", {"username": user.email, "password": "non"})
    assert "attend la confirmation" not in wrong.text  # said only with the right password

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nouvelle@example.org"]
    assert "confirmez votre adresse" in mail.outbox[0].subject
    path = link_in(mail.outbox[0], "/comptes/inscription/confirmer/")
    page = client.get(path)  # a mail scanner following the link activates nothing
    assert page.status_code == 200 and "Activer mon compte" in page.text
    user.refresh_from_db()
    assert not user.is_active
    done = client.post(path)
    assert done.status_code == 302 and done["Location"] == "/comptes/mon-espace/"
    user.refresh_from_db()
    assert user.is_active
    dashboard = client.get("/comptes/mon-espace/")
    assert dashboard.status_code == 200 and "Nouvelle" in dashboard.text
    # The link served once.
    client.logout()
    again = client.post(path)
    assert again.status_code == 400 and "plus valable" in again.text
    assert (
        client.post(
            "/comptes/connexion/", {"username": "nouvelle@example.org", "password": SECRET}
        ).status_code
        == 302
    )


def test_a_new_signup_replaces_one_awaiting_confirmation(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "encore@example.org", "Première", password="un premier secret assez long")
        sign_up(client, "encore@example.org", "Seconde")
    first, second = (link_in(m, "/comptes/inscription/confirmer/") for m in mail.outbox)
    assert client.get(first).status_code == 400  # died with the first password
    assert client.post(second).status_code == 302
    user = User.objects.get(email="encore@example.org")
    assert user.is_active and user.display_name == "Seconde" and user.check_password(SECRET)
    assert User.objects.filter(email="encore@example.org").count() == 1


def test_confirmation_links_that_are_not_valid(client):
    user = UserFactory(email="pas-active@example.org", is_active=False)
    for path in (
        "/comptes/inscription/confirmer/MQ/pas-un-jeton/",
        "/comptes/inscription/confirmer/%%%/x/",
        f"/comptes/inscription/confirmer/{user.pk}/1-2/",
    ):
        response = client.get(path)
        assert response.status_code == 400 and "plus valable" in response.text
        assert client.post(path).status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_signup_refuses_bad_input_in_french(client):
    response = sign_up(client, "pas-une-adresse", password="court")
    assert response.status_code == 400
    assert "Saisissez une adresse de courriel valide" in response.text
    assert "Ce mot de passe est trop court" in response.text
    assert not User.objects.filter(email="pas-une-adresse").exists()


def test_dashboard_needs_login(client):
    response = client.get("/comptes/mon-espace/")
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]


def test_demo_accounts_are_created_once(client, capsys):
    call_command("load_demo", accounts=True)
    call_command("load_demo", accounts=True)
    alice = User.objects.get(email="alice@demo.territoires.localhost")
    assert alice.memberships.filter(territory__code="06084", role="admin").exists()
    assert User.objects.filter(email__endswith="@demo.territoires.localhost").count() == 5
    # Demo accounts need no confirmation: they log in at once.
    response = client.post(
        "/comptes/connexion/",
        {"username": "alice@demo.territoires.localhost", "password": "territoires-demo"},
    )
    assert response.status_code == 302 and response["Location"] == "/comptes/mon-espace/"
