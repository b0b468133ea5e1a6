"""The « Acteurs et gouvernance » section of a portrait: the organisations acting in the
territory by category, with the initiatives that name them (drafts for the team only)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from territoires.accounts.enums import Role
from territoires.actors.models import Category, Organisation
from territoires.actors.selectors import actors_by_category, territory_actors
from territoires.initiatives.models import InitiativeContact
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.actors.factories import OrganisationFactory, contact
from tests.initiatives.factories import InitiativeFactory
from tests.territories.factories import commune


@pytest.fixture
def dora():
    """Reader of Mouans-Sartoux: sees what visitors see."""
    return MembershipFactory(user__email="dora@example.org", role=Role.READER).user


@pytest.fixture
def commons():
    """Two published initiatives and a draft of Mouans-Sartoux, one initiative elsewhere."""
    canteen = InitiativeFactory(title="Cantines bio", published=True)
    farm = InitiativeFactory(title="Régie agricole", published=True)
    draft = InitiativeFactory(title="Projet de légumerie")
    elsewhere = InitiativeFactory(
        title="Centrale solaire", published=True, territory=commune("06004")
    )
    school = Organisation.objects.create(
        name="Maison d'éducation à l'alimentation durable", website="https://mead.example.org/"
    )
    contact(canteen, school, role="Animation")
    contact(farm, school, role="Formation des agents")
    contact(
        farm,
        Organisation.objects.create(
            name="Chambre d'agriculture", category=Category.objects.get(slug="chambres-consulaires")
        ),
        role="Conseil technique",
    )
    contact(draft, "Coopérative Légumes du Pays", role="Transformation")
    contact(elsewhere, "Énergie citoyenne d'Antibes", role="Financement")
    return canteen, farm, draft


def portrait(client):
    return client.get(commune("06084").get_absolute_url()).text


def section_of(text):
    section = text[text.index('id="section-acteurs"') :]
    return section[: section.index("</section>")]


def test_one_organisation_named_by_two_initiatives_is_one_actor(commons):
    canteen, farm, _draft = commons
    actors = territory_actors(commune("06084"), AnonymousUser())
    assert [actor.name for actor in actors] == [
        "Chambre d'agriculture",
        "Maison d'éducation à l'alimentation durable",
    ]
    school = actors[1]
    assert [(p.initiative, p.roles) for p in school.participations] == [
        (canteen, ["Animation"]),
        (farm, ["Formation des agents"]),
    ]


def test_one_initiative_naming_an_organisation_twice_lists_it_once():
    farm = InitiativeFactory(title="Régie agricole", published=True)
    chamber = Organisation.objects.create(name="Chambre d'agriculture")
    contact(farm, chamber, role="Conseil technique")
    contact(farm, chamber, role="Formation")
    contact(farm, chamber, role="Formation")
    (actor,) = territory_actors(commune("06084"), AnonymousUser())
    assert [(p.initiative, p.roles) for p in actor.participations] == [
        (farm, ["Conseil technique", "Formation"])
    ]


def test_actors_are_grouped_by_their_top_category_in_the_vocabulary_order(commons):
    OrganisationFactory(name="Mairie", category=Category.objects.get(slug="elus"))
    OrganisationFactory(name="Ancienne régie", historical=True)
    groups = actors_by_category(commune("06084"), AnonymousUser())
    assert [str(group.label) for group in groups] == [
        "Acteurs politiques",
        "Acteurs qui fédèrent une profession",
        "Sans catégorie",
    ]
    # Historical organisations come after current ones.
    assert [actor.name for actor in groups[-1].actors] == [
        "Maison d'éducation à l'alimentation durable",
        "Ancienne régie",
    ]


def test_visitors_and_readers_see_the_actors_of_published_initiatives_only(client, commons, dora):
    for user in (None, dora):
        if user:
            client.force_login(user)
        text = portrait(client)
        assert 'id="acteurs-title"' in text and "Acteurs et gouvernance" in text
        section = section_of(text)
        assert "Chambre d&#x27;agriculture" in section and "Conseil technique" in section
        assert "Acteurs qui fédèrent une profession" in section
        organisation = Organisation.objects.get(name="Chambre d'agriculture")
        assert f'href="{organisation.get_absolute_url()}"' in section
        assert "Régie agricole</a>" in section and "Cantines bio</a>" in section
        assert "Coopérative Légumes du Pays" not in text and "Projet de légumerie" not in text
        assert "Énergie citoyenne" not in text
        assert "Ajouter une organisation" not in section


def test_the_team_sees_the_actors_of_drafts_marked_as_drafts(client, commons, bob):
    client.force_login(bob)
    section = section_of(portrait(client))
    assert "Coopérative Légumes du Pays" in section and "Projet de légumerie" in section
    assert section.count('class="badge badge-draft">brouillon') == 1
    assert section.count("card-draft") == 1
    assert "Ajouter une organisation" in section and "/acteurs/nouvelle/" in section


def test_organisations_the_team_registers_show_to_everyone_historical_ones_marked(client):
    OrganisationFactory(name="Régie des eaux", category=Category.objects.get(slug="elus"))
    OrganisationFactory(name="Syndicat dissous", historical=True)
    section = section_of(portrait(client))
    assert "Régie des eaux" in section and "Acteurs politiques" in section
    assert 'Syndicat dissous</a> <span class="badge">historique</span>' in section
    assert "card-draft" not in section


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
    assert "Ajoutez les organisations qui agissent dans le territoire" in text


def test_an_edit_shows_at_once_to_visitors(client, commons):
    assert "Coopérative" not in portrait(client)
    OrganisationFactory(name="Coopérative nouvelle")
    assert "Coopérative nouvelle" in portrait(client)
    organisation = Organisation.objects.get(name="Chambre d'agriculture")
    organisation.name = "Chambre d'agriculture des Alpes-Maritimes"
    organisation.save()
    assert "Chambre d&#x27;agriculture des Alpes-Maritimes" in portrait(client)


def test_actors_take_two_queries_however_many_initiatives(
    commons, bob, django_assert_num_queries, django_assert_max_num_queries
):
    chamber = Organisation.objects.get(name="Chambre d'agriculture")
    for number in range(5):
        initiative = InitiativeFactory(title=f"Initiative {number}", published=True)
        contact(initiative, f"Structure {number}")
        contact(initiative, chamber)
    OrganisationFactory(name="Mairie", category=Category.objects.get(slug="elus"))
    town, team_member = commune("06084"), UserFactory(email=bob.email)

    def shown(user):
        """What the partial reads of each actor."""
        return [
            (
                group.label,
                actor.name,
                actor.organisation.get_absolute_url(),
                p.initiative.title,
                p.initiative.get_absolute_url(),
                p.initiative.state,
            )
            for group in actors_by_category(town, user)
            for actor in group.actors
            for p in actor.participations
        ]

    with django_assert_num_queries(2):
        visitor_sees = shown(AnonymousUser())
    # One more for the team: the user's role in the territory.
    with django_assert_max_num_queries(3):
        team_sees = shown(team_member)
    assert len(visitor_sees) == 5 * 2 + 3 and len(team_sees) == len(visitor_sees) + 1


def test_a_deleted_or_moved_organisation_leaves_the_visitors_portrait_at_once(client):
    gone = OrganisationFactory(name="Syndicat dissous")
    moved = OrganisationFactory(name="Agence partie")
    assert "Syndicat dissous" in portrait(client) and "Agence partie" in portrait(client)
    gone.delete()
    moved.territories.remove(commune("06084"))
    text = portrait(client)
    assert "Syndicat dissous" not in text and "Agence partie" not in text
    moved.territories.add(commune("06084"))
    assert "Agence partie" in portrait(client)
