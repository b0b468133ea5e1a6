"""Rules of teams beyond who reaches what (tests/test_access_matrix.py): the last admin
stays, edits in place, clear refusals, a project's creator becomes its admin."""

from territoires.initiatives.models import Portrait


def _url(town, suffix):
    return f"/territoires/{town.kind}/{town.code}-{town.slug}/{suffix}"


def test_last_admin_cannot_be_removed(client, alice, town):
    client.force_login(alice)
    membership = alice.memberships.get(territory=town)
    response = client.post(
        _url(town, f"equipe/{membership.pk}/"), {"action": "remove"}, follow=True
    )
    assert "au moins un·e administrateur·ice" in response.text
    assert alice.memberships.filter(territory=town).exists()


def test_contributor_edits_presentation_in_place_with_htmx(client, bob, town):
    client.force_login(bob)
    url = _url(town, "presentation/")
    form = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in form.text and "<textarea" in form.text
    saved = client.post(
        url,
        {"presentation": "Une commune pionnière.", "edit_version": 0},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200 and "Une commune pionnière." in saved.text
    assert Portrait.objects.get(territory=town).presentation == "Une commune pionnière."


def test_adding_an_unknown_email_is_a_clear_400(client, alice, town):
    client.force_login(alice)
    response = client.post(
        _url(town, "equipe/"), {"email": "personne@nulle.part", "role": "reader"}
    )
    assert response.status_code == 400
    assert "Aucun compte" in response.text


def test_project_creation_by_facilitator_makes_them_admin(client, fanny):
    client.force_login(fanny)
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
    assert fanny.has_perm("territories.change_project", project)
    bad = client.post(
        "/territoires/projets/nouveau/",
        {"name": "X", "subkind": "petr", "member_codes": "06084 00000"},
    )
    assert bad.status_code == 400 and "00000" in bad.text
    assert not Territory.objects.filter(kind="projet", name="X").exists()
