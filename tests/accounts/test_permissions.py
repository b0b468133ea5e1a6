"""Walks the matrix role × view: nobody gets what they should not."""

import pytest

from territoires.accounts.enums import Role
from territoires.initiatives.models import Portrait
from territoires.www.services import save_project
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.territories.factories import commune

ANONYMOUS = "anonymous"
USERS = [
    "alice_admin",
    "bob_contributor",
    "dana_reader",
    "charlie_outsider",
    "fanny_facilitator",
    "sam_staff",
    ANONYMOUS,
]


@pytest.fixture
def people():
    town = commune("06084")
    alice = MembershipFactory(user__email="alice@example.org", territory=town, role=Role.ADMIN).user
    bob = MembershipFactory(
        user__email="bob@example.org", territory=town, role=Role.CONTRIBUTOR
    ).user
    dana = MembershipFactory(user__email="dana@example.org", territory=town, role=Role.READER).user
    # Charlie is admin elsewhere: roles never leak from one territory to another.
    charlie = MembershipFactory(
        user__email="charlie@example.org", territory=commune("06004"), role=Role.ADMIN
    ).user
    fanny = UserFactory(email="fanny@example.org", facilitator=True)
    sam = UserFactory(email="sam@example.org", staff=True)
    project, _ = save_project(name="PETR matrice", member_codes=["06084"], by=alice)
    return {
        "alice_admin": alice,
        "bob_contributor": bob,
        "dana_reader": dana,
        "charlie_outsider": charlie,
        "fanny_facilitator": fanny,
        "sam_staff": sam,
        ANONYMOUS: None,
        "town": town,
        "project": project,
    }


def _url(town, suffix):
    return f"/territoires/{town.kind}/{town.code}-{town.slug}/{suffix}"


ALLOWED = "allowed"
DENIED = "denied"
LOGIN = "login"


def _request(client, method, url, data=None):
    return client.post(url, data or {}) if method == "post" else client.get(url)


def _outcome(response, logged_in):
    if response.status_code == 403:
        return DENIED
    if response.status_code == 302 and "/comptes/connexion/" in response["Location"]:
        return LOGIN
    if response.status_code == 302 and "/admin/login/" in response["Location"]:
        # The admin sends everyone who is not staff to its own login page.
        return DENIED if logged_in else LOGIN
    assert response.status_code in (200, 302), response.status_code
    return ALLOWED


MATRIX = {
    # view: (method, url builder, data, allowed users)
    "territory page": ("get", lambda p: p["town"].get_absolute_url(), None, set(USERS)),
    "edit presentation (form)": (
        "get",
        lambda p: _url(p["town"], "presentation/"),
        None,
        {"alice_admin", "bob_contributor", "sam_staff"},
    ),
    "edit presentation (save)": (
        "post",
        lambda p: _url(p["town"], "presentation/"),
        {"presentation": "Texte"},
        {"alice_admin", "bob_contributor", "sam_staff"},
    ),
    "see team": (
        "get",
        lambda p: _url(p["town"], "equipe/"),
        None,
        {"alice_admin", "bob_contributor", "dana_reader", "sam_staff"},
    ),
    "add to team": (
        "post",
        lambda p: _url(p["town"], "equipe/"),
        {"email": "fanny@example.org", "role": "reader"},
        {"alice_admin", "sam_staff"},
    ),
    "change a role": (
        "post",
        lambda p: _url(p["town"], f"equipe/{p['bob_contributor'].memberships.get().pk}/"),
        {"role": "reader"},
        {"alice_admin", "sam_staff"},
    ),
    "create project territory": (
        "get",
        lambda p: "/territoires/projets/nouveau/",
        None,
        {"fanny_facilitator", "sam_staff"},
    ),
    "edit project territory": (
        "get",
        lambda p: f"/territoires/projet/{p['project'].code}/modifier/",
        None,
        {"alice_admin", "sam_staff"},
    ),
    "admin": ("get", lambda p: "/admin/territories/territory/", None, {"sam_staff"}),
}


@pytest.mark.parametrize("view", MATRIX)
@pytest.mark.parametrize("who", USERS)
def test_role_by_view(client, people, view, who):
    method, url, data, allowed = MATRIX[view]
    if people[who] is not None:
        client.force_login(people[who])
    outcome = _outcome(_request(client, method, url(people), data), people[who] is not None)
    if who in allowed:
        assert outcome == ALLOWED, f"{who} should reach {view}"
    elif who == ANONYMOUS:
        assert outcome == LOGIN, f"a visitor should be sent to log in for {view}"
    else:
        assert outcome == DENIED, f"{who} must not reach {view}"


def test_last_admin_cannot_be_removed(client, people):
    alice = people["alice_admin"]
    client.force_login(alice)
    membership = alice.memberships.get(territory=people["town"])
    response = client.post(
        _url(people["town"], f"equipe/{membership.pk}/"), {"action": "remove"}, follow=True
    )
    assert "au moins un·e administrateur·ice" in response.text
    assert alice.memberships.filter(territory=people["town"]).exists()


def test_contributor_edits_presentation_in_place_with_htmx(client, people):
    client.force_login(people["bob_contributor"])
    url = _url(people["town"], "presentation/")
    form = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in form.text and "<textarea" in form.text
    saved = client.post(
        url, {"presentation": "Une commune pionnière."}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200 and "Une commune pionnière." in saved.text
    assert Portrait.objects.get(territory=people["town"]).presentation == "Une commune pionnière."


def test_adding_an_unknown_email_is_a_clear_400(client, people):
    client.force_login(people["alice_admin"])
    response = client.post(
        _url(people["town"], "equipe/"), {"email": "personne@nulle.part", "role": "reader"}
    )
    assert response.status_code == 400
    assert "Aucun compte" in response.text


def test_project_creation_by_facilitator_makes_them_admin(client, people):
    client.force_login(people["fanny_facilitator"])
    response = client.post(
        "/territoires/projets/nouveau/",
        {
            "name": "PETR des tests",
            "subkind": "petr",
            "member_codes": "06084, 06004",
        },
    )
    assert response.status_code == 302
    from territoires.territories.models import Territory

    project = Territory.objects.get(kind="projet", name="PETR des tests")
    assert people["fanny_facilitator"].has_perm("territories.change_project", project)
    bad = client.post(
        "/territoires/projets/nouveau/",
        {"name": "X", "subkind": "petr", "member_codes": "06084 00000"},
    )
    assert bad.status_code == 400 and "00000" in bad.text
    assert not Territory.objects.filter(kind="projet", name="X").exists()
