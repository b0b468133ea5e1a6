"""Throttling of logins, password resets and sign-ups; no account enumeration (issue 18).

Time travel: django-axes dates each failure in its table (`AccessAttempt.attempt_time`),
so the tests move those dates back rather than the clock; the counts of resets and
sign-ups live in the cache with times from `throttling.now`, which the tests move forward.
"""

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from axes.models import AccessAttempt
from django.core import mail
from django.db.models import F
from django.test import Client

from territoires.accounts import throttling
from territoires.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

LOGIN = "/comptes/connexion/"
RESET = "/comptes/mot-de-passe/"
SIGNUP = "/comptes/inscription/"
OTHER_IP = "198.51.100.7"
LOCKED = "Trop de tentatives pour ce compte : réessayez dans 15 minutes."


def log_in(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def fail(client, email, times, **extra):
    return [log_in(client, email, f"pas le bon {i}", **extra).status_code for i in range(times)]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def move_login_failures_back(**delta):
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(**delta))


# --- Logins --------------------------------------------------------------------------------


def test_thirty_wrong_passwords_lock_the_account_with_a_429_in_french(client):
    user = UserFactory(email="cible@example.org")
    statuses = fail(client, "Cible@example.org", 30)
    # The tenth failure within 15 minutes locks; each one before said « wrong password ».
    assert statuses == [200] * 9 + [429] * 21
    locked = log_in(client, user.email, PASSWORD)
    assert locked.status_code == 429 and not logged_in(client)
    assert LOCKED in locked.text
    # Still the login page, its form filled with the address: not a raw error.
    assert 'name="username"' in locked.text and 'value="cible@example.org"' in locked.text
    assert 'name="password"' in locked.text and "Mot de passe oublié" in locked.text
    assert 880 <= int(locked["Retry-After"]) <= 900
    # Whatever the IP address: the lock is the account's.
    elsewhere = log_in(Client(), user.email, PASSWORD, REMOTE_ADDR=OTHER_IP)
    assert elsewhere.status_code == 429 and LOCKED in elsewhere.text


def test_colleagues_behind_the_same_address_are_not_locked_out(client):
    UserFactory(email="etourdi@example.org")
    colleague = UserFactory(email="collegue@example.org")
    assert fail(client, "etourdi@example.org", 12)[-1] == 429
    # Same town-hall IP address (the test client's), another account: it logs in.
    room = Client()
    response = log_in(room, colleague.email, PASSWORD)
    assert response.status_code == 302 and room.session["_auth_user_id"] == str(colleague.pk)
    # Even after failures of their own, below the limit.
    other = UserFactory(email="autre@example.org")
    assert fail(Client(), other.email, 9) == [200] * 9
    assert log_in(Client(), other.email, PASSWORD).status_code == 302


def test_failures_from_several_addresses_add_up_on_the_account():
    user = UserFactory(email="visee@example.org")
    fail(Client(), user.email, 5, REMOTE_ADDR="192.0.2.1")
    assert fail(Client(), user.email, 5, REMOTE_ADDR="192.0.2.2")[-1] == 429
    assert log_in(Client(), user.email, PASSWORD, REMOTE_ADDR="192.0.2.3").status_code == 429


def test_the_lock_expires_and_says_how_long_is_left(client):
    user = UserFactory(email="patiente@example.org")
    fail(client, user.email, 10)
    move_login_failures_back(minutes=5)
    waiting = log_in(client, user.email, PASSWORD)
    assert waiting.status_code == 429
    assert "réessayez dans 10 minutes." in waiting.text  # counted down, not restarted
    move_login_failures_back(minutes=9, seconds=30)
    assert "réessayez dans 1 minute." in log_in(client, user.email, PASSWORD).text
    move_login_failures_back(seconds=31)  # 15 minutes and a second after the last failure
    response = log_in(client, user.email, PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_a_successful_login_clears_the_failures(client):
    user = UserFactory(email="distraite@example.org")
    assert fail(client, user.email, 9) == [200] * 9
    assert log_in(client, user.email, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.email).exists()
    client.logout()
    assert fail(client, user.email, 9) == [200] * 9  # a fresh count of ten


def test_a_new_password_by_reset_link_lifts_the_lock(client):
    user = UserFactory(email="bloquee@example.org")
    fail(client, user.email, 10)
    client.post(RESET, {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/comptes/mot-de-passe/\S+/)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)
    new = "un tout nouveau secret 42"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert log_in(client, user.email, new).status_code == 302


def test_an_unknown_address_is_locked_alike(client):
    """The lock says nothing of whether the address has an account."""
    assert fail(client, "personne@example.org", 11)[-2:] == [429, 429]
    assert LOCKED in log_in(client, "personne@example.org", PASSWORD).text


def test_the_admin_login_is_locked_too(client):
    staff = UserFactory(email="equipe@example.org", staff=True)
    for i in range(10):
        response = client.post(
            "/admin/login/", {"username": staff.email, "password": f"non {i}", "next": "/admin/"}
        )
    assert response.status_code == 429 and LOCKED in response.text
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 429 and not logged_in(client)


def test_the_lockout_page_under_asgi(async_client, settings):
    """The site is served over ASGI (uvicorn), where django-axes calls the lockout page
    through another path."""
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(email="asgi@example.org")
    post = async_to_sync(async_client.post)
    statuses = [
        post(LOGIN, {"username": "asgi@example.org", "password": "non"}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    locked = post(LOGIN, {"username": "asgi@example.org", "password": PASSWORD})
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()


# --- Password resets -----------------------------------------------------------------------


def test_reset_emails_are_limited_per_address_and_say_nothing(client, monkeypatch):
    UserFactory(email="oubli@example.org")
    known = [client.post(RESET, {"email": "Oubli@example.org"}) for _ in range(5)]
    unknown = [client.post(RESET, {"email": "personne@example.org"}) for _ in range(5)]
    # The same answer for all ten: the address's account and the limit are never shown.
    assert {(r.status_code, r["Location"]) for r in known + unknown} == {
        (302, "/comptes/mot-de-passe/envoye/")
    }
    assert len(mail.outbox) == 3 and {m.to[0] for m in mail.outbox} == {"oubli@example.org"}
    # An hour later, one more may leave.
    later = throttling.now() + 3601
    monkeypatch.setattr(throttling, "now", lambda: later)
    client.post(RESET, {"email": "oubli@example.org"})
    assert len(mail.outbox) == 4


def test_reset_requests_from_one_ip_address_are_limited(client, settings):
    settings.PASSWORD_RESET_PER_IP = 4
    for i in range(4):
        assert client.post(RESET, {"email": f"quelquun{i}@example.org"}).status_code == 302
    refused = client.post(RESET, {"email": "encore@example.org"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Trop de demandes depuis cette connexion : réessayez dans 60 minutes." in refused.text
    assert 'name="email"' in refused.text  # the form, still there
    other = Client().post(RESET, {"email": "encore@example.org"}, REMOTE_ADDR=OTHER_IP)
    assert other.status_code == 302


# --- Sign-ups ------------------------------------------------------------------------------

SECRET = "une phrase de passe assez longue"


def sign_up(client, email, **extra):
    data = {"email": email, "display_name": "", "password1": SECRET, "password2": SECRET}
    return client.post(SIGNUP, data, **extra)


def without_tokens(html: str) -> str:
    """A page without its CSRF tokens, which differ on every page shown."""
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_signup_with_an_existing_address_answers_as_with_a_new_one(
    django_capture_on_commit_callbacks,
):
    owner = UserFactory(email="deja@example.org", display_name="Déjà")
    answers = []
    for email in ("DEJA@example.org", "nouveau@example.org"):
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = sign_up(client, email)
        page = client.get(response["Location"])
        answers.append(
            (
                response.status_code,
                response["Location"],
                dict(response.cookies),
                page.status_code,
                without_tokens(page.text),
                logged_in(client),
            )
        )
    assert answers[0] == answers[1]
    status, location, _, page_status, text, is_logged_in = answers[0]
    assert (status, location, page_status, is_logged_in) == (
        302,
        "/comptes/inscription/envoyee/",
        200,
        False,
    )
    assert "Vérifiez vos e-mails" in text
    assert "existe déjà" not in text

    # The owner is told, with a link to choose a new password; their account is untouched.
    to_owner, to_new = mail.outbox
    assert to_owner.to == ["deja@example.org"] and to_new.to == ["nouveau@example.org"]
    assert "a voulu créer un compte" in to_owner.body
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD) and owner.display_name == "Déjà"
    assert User.objects.filter(email__iexact="deja@example.org").count() == 1
    reset = re.search(r"https?://[^/\s]+(/comptes/mot-de-passe/\S+/)", to_owner.body).group(1)
    form = Client().get(reset, follow=True)
    assert "Nouveau mot de passe" in form.text and 'name="new_password1"' in form.text
    # The new address gets an inactive account and its confirmation link.
    assert not User.objects.get(email="nouveau@example.org").is_active
    assert "/comptes/inscription/confirmer/" in to_new.body


def test_signup_messages_are_limited_per_address(client, django_capture_on_commit_callbacks):
    UserFactory(email="harcelee@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [sign_up(client, "harcelee@example.org") for _ in range(5)]
        answers += [sign_up(client, "inconnue@example.org") for _ in range(5)]
    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, "/comptes/inscription/envoyee/")
    }
    sent = [m.to[0] for m in mail.outbox]
    assert sent.count("harcelee@example.org") == 3 and sent.count("inconnue@example.org") == 3


def test_a_room_signs_up_together_but_not_without_end(client, settings):
    """Fifty people behind one IP address sign up within the hour; the fifty-first waits."""
    assert settings.SIGNUP_PER_IP == 50
    for i in range(50):
        assert sign_up(client, f"participant{i}@example.org").status_code == 302
    refused = sign_up(client, "participant50@example.org")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Trop de demandes depuis cette connexion : réessayez dans 60 minutes." in refused.text
    assert 'name="email"' in refused.text and 'value="participant50@example.org"' in refused.text
    assert not User.objects.filter(email="participant50@example.org").exists()
    # Another connection is not concerned.
    assert sign_up(Client(), "participant50@example.org", REMOTE_ADDR=OTHER_IP).status_code == 302


@pytest.mark.parametrize("limit", ["0", "-3"])
def test_limits_below_one_stop_start_up(tmp_path, limit):
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
        env={
            "DJANGO_SETTINGS_MODULE": "territoires.settings",
            "TERRITOIRES_SIGNUP_PER_IP": limit,
            "TERRITOIRES_DATA_DIR": str(tmp_path),
            "PYTHONPATH": str(root),
        },
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert result.returncode != 0
    assert "TERRITOIRES_SIGNUP_PER_IP must be 1 or more" in result.stderr
