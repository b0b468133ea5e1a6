"""The territory's page: the sections the apps register, served from a cache to visitors
until the territory's content changes, whatever process changes it."""

import pytest
from django.core.cache import cache

from territoires.core import versions
from territoires.initiatives import services
from territoires.initiatives.models import KeyFigure
from tests.initiatives.factories import InitiativeFactory


def visit(client, territory):
    response = client.get(territory.get_absolute_url())
    assert response.status_code == 200
    return response.text


def test_an_edit_shows_at_once_to_visitors(client, town):
    assert "Une commune pionnière" not in visit(client, town)  # now cached
    services.set_presentation(town, "Une commune pionnière de la cantine bio.")
    assert "Une commune pionnière de la cantine bio." in visit(client, town)
    InitiativeFactory(title="Régie agricole municipale", published=True)
    assert "Régie agricole municipale" in visit(client, town)


def test_edits_made_by_another_process_show_too(client, town):
    """Another process has its own memory cache: all it shares is the database, where the
    territory's version is changed in the same transaction as the content."""
    visit(client, town)
    KeyFigure.objects.create(
        territory=town, label="Repas bio par jour", value=1000, year=2020, source="Commune"
    )
    cache.clear()  # what this process holds is of no use to another one…
    visit(client, town)  # …which now caches the page with the figure
    KeyFigure.objects.filter(territory=town).update(label="Repas servis")  # no signal: by SQL
    versions.bump(versions.TERRITORY, town.pk)  # what the writing process's save does
    assert "Repas servis" in visit(client, town)


def test_the_team_is_never_served_the_visitors_page_nor_the_reverse(client, bob, town):
    InitiativeFactory(title="Brouillon de la régie")
    public = visit(client, town)
    assert "Brouillon de la régie" not in public and "Ajouter une initiative" not in public
    client.force_login(bob)
    team = visit(client, town)
    assert "Brouillon de la régie" in team and "Ajouter une initiative" in team
    client.logout()
    assert "Brouillon de la régie" not in visit(client, town)


def test_a_registry_import_changes_every_page(client, town):
    visit(client, town)
    type(town).objects.filter(pk=town.pk).update(population=123_456)  # as an import does
    versions.bump(versions.SHARED, 0)  # what the import does in its transaction
    assert "123" in visit(client, town) and "456" in visit(client, town)


@pytest.mark.parametrize("cached", [False, True])
def test_a_visitor_costs_few_queries(client, town, django_assert_max_num_queries, cached):
    for _ in range(3):
        InitiativeFactory(published=True)
    if cached:
        visit(client, town)
    # Cached: the territory and its versions, nothing else; uncached: a query or two a section
    # (the actors': the initiatives' contacts, the organisations registered there, the
    # governance bodies and the charters; the controversies' published summaries).
    with django_assert_max_num_queries(2 if cached else 22):
        visit(client, town)


def test_the_team_costs_few_queries(client, bob, town, django_assert_max_num_queries):
    for _ in range(3):
        InitiativeFactory(published=True)
    client.force_login(bob)
    # The visitor's, plus the session, the user and their role.
    with django_assert_max_num_queries(23):
        visit(client, town)


def test_a_visitors_page_carries_nothing_of_anyone(client, bob, town):
    """Cached whole for visitors: no token, no name, the same bytes for every visitor."""
    first = visit(client, town)
    assert "csrf" not in first.lower() and visit(client, town) == first
    client.force_login(bob)
    assert "X-CSRFToken" in visit(client, town)


def test_a_sparse_portrait_says_so_and_invites_its_team(client, bob, town):
    page = visit(client, town)
    assert "Ce portrait est encore peu fourni" in page
    assert 'id="section-verbatims"' not in page  # (its trajectory has the test plugin's items)
    client.force_login(bob)
    team = visit(client, town)
    assert "Recueillez les paroles" in team and "Documentez une première initiative" in team
    client.logout()
    InitiativeFactory(territory=town, published=True, title="Régie agricole")
    page = visit(client, town)
    assert "peu fourni" not in page and "Régie agricole" in page
