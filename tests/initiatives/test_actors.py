"""The « Acteurs » section of a portrait: organisations named as contacts of initiatives."""

import pytest
from django.contrib.auth.models import AnonymousUser

from territoires.accounts.enums import Role
from territoires.initiatives.models import InitiativeContact
from territoires.initiatives.selectors import territory_actors
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.initiatives.factories import InitiativeFactory
from tests.territories.factories import commune


@pytest.fixture
def dora():
    """Reader of Mouans-Sartoux: sees what visitors see."""
    return MembershipFactory(user__email="dora@example.org", role=Role.READER).user


def contact(initiative, organisation, role="", website=""):
    return InitiativeContact.objects.create(
        initiative=initiative, organisation=organisation, role=role, website=website
    )


@pytest.fixture
def commons():
    """Two published initiatives and a draft of Mouans-Sartoux, one initiative elsewhere."""
    canteen = InitiativeFactory(title="Cantines bio", published=True)
    farm = InitiativeFactory(title="Régie agricole", published=True)
    draft = InitiativeFactory(title="Projet de légumerie")
    elsewhere = InitiativeFactory(
        title="Centrale solaire", published=True, territory=commune("06004")
    )
    contact(canteen, "Maison d'éducation à l'alimentation durable", role="Animation")
    contact(
        farm,
        "MAISON D’EDUCATION A L’ALIMENTATION DURABLE",
        role="Formation des agents",
        website="https://mead.example.org/",
    )
    contact(farm, "Chambre d'agriculture", role="Conseil technique")
    contact(draft, "Coopérative Légumes du Pays", role="Transformation")
    contact(elsewhere, "Énergie citoyenne d'Antibes", role="Financement")
    return canteen, farm, draft


def portrait(client):
    return client.get(commune("06084").get_absolute_url()).text


def test_organisations_spelled_differently_are_one_actor(commons):
    canteen, farm, _draft = commons
    actors = territory_actors(commune("06084"), AnonymousUser())
    assert [actor.name for actor in actors] == [
        "Chambre d'agriculture",
        "Maison d'éducation à l'alimentation durable",
    ]
    school = actors[1]
    assert school.website == "https://mead.example.org/"
    assert [(p.initiative, p.roles) for p in school.participations] == [
        (canteen, ["Animation"]),
        (farm, ["Formation des agents"]),
    ]


def test_one_initiative_naming_an_organisation_twice_lists_it_once():
    farm = InitiativeFactory(title="Régie agricole", published=True)
    contact(
        farm, "Chambre d'agriculture", role="Conseil technique", website="https://ca.example.org"
    )
    contact(farm, "Chambre d’Agriculture", role="Formation")
    contact(farm, "chambre d'agriculture", role="Formation")
    (actor,) = territory_actors(commune("06084"), AnonymousUser())
    assert actor.website == "https://ca.example.org"
    assert [(p.initiative, p.roles) for p in actor.participations] == [
        (farm, ["Conseil technique", "Formation"])
    ]


def test_visitors_and_readers_see_the_actors_of_published_initiatives_only(client, commons, dora):
    for user in (None, dora):
        if user:
            client.force_login(user)
        text = portrait(client)
        assert 'id="acteurs-title"' in text
        assert "Chambre d&#x27;agriculture" in text and "Conseil technique" in text
        assert 'href="https://mead.example.org/"' in text
        assert "Régie agricole</a>" in text and "Cantines bio</a>" in text
        assert "Coopérative Légumes du Pays" not in text and "Projet de légumerie" not in text
        assert "Énergie citoyenne" not in text


def test_the_team_sees_the_actors_of_drafts_marked_as_drafts(client, commons, bob):
    client.force_login(bob)
    text = portrait(client)
    section = text[text.index('id="section-acteurs"') :]
    section = section[: section.index("</section>")]
    assert "Coopérative Légumes du Pays" in section and "Projet de légumerie" in section
    assert section.count('class="badge badge-draft">brouillon') == 1
    assert section.count("card-draft") == 1


def test_no_heading_for_visitors_without_actors_a_hint_for_the_team(client, bob):
    InitiativeFactory(title="Sans contact", published=True)
    draft = InitiativeFactory(title="Brouillon")
    contact(draft, "Association des jardins")
    text = portrait(client)
    assert "Sans contact" in text and 'id="acteurs-title"' not in text
    assert "Association des jardins" not in text
    InitiativeContact.objects.all().delete()
    client.force_login(bob)
    text = portrait(client)
    assert 'id="acteurs-title"' in text
    assert "Les structures indiquées dans les contacts des initiatives" in text


def test_actors_take_one_query_however_many_initiatives(
    commons, bob, django_assert_num_queries, django_assert_max_num_queries
):
    for number in range(5):
        initiative = InitiativeFactory(title=f"Initiative {number}", published=True)
        contact(initiative, f"Structure {number}")
        contact(initiative, "Chambre d'agriculture")
    town, team_member = commune("06084"), UserFactory(email=bob.email)

    def shown(user):
        """What the partial reads of each actor."""
        return [
            (actor.name, p.initiative.title, p.initiative.get_absolute_url(), p.initiative.state)
            for actor in territory_actors(town, user)
            for p in actor.participations
        ]

    with django_assert_num_queries(1):
        visitor_sees = shown(AnonymousUser())
    # One more for the team: the user's role in the territory.
    with django_assert_max_num_queries(2):
        team_sees = shown(team_member)
    assert len(visitor_sees) == 5 * 2 + 3 and len(team_sees) == len(visitor_sees) + 1
