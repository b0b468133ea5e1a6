"""Organisations, people and relations: invariants, services, forms, pages, permissions."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from territoires.actors import services
from territoires.actors.models import Category, Organisation, Person, Relation
from territoires.core.enums import TeamRole
from tests.actors.factories import OrganisationFactory, PersonFactory, RelationFactory, contact
from tests.initiatives.factories import InitiativeFactory
from tests.territories.factories import commune

# --- Invariants ---------------------------------------------------------------------------


def test_siren_and_siret_are_checked_with_a_french_message():
    organisation = Organisation(name="Régie", siren="732829321")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "clé de contrôle" in str(error.value.message_dict["siren"])
    organisation = Organisation(name="Régie", siren="732829320", siret="20006600900011")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "commence par le SIREN" in str(error.value.message_dict["siret"])
    Organisation(name="Régie", siren="732829320", siret="73282932000074").full_clean()


def test_an_end_or_a_successor_means_it_no_longer_exists_with_a_source():
    successor = OrganisationFactory(name="Agglomération")
    organisation = Organisation(name="Communauté", successor=successor)
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert set(error.value.message_dict) == {"ended"}
    organisation.ended = True
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert set(error.value.message_dict) == {"source"}
    organisation.source = "Arrêté préfectoral de fusion"
    organisation.full_clean()
    # The database holds the invariant too, whatever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Syndicat", successor=successor)


def test_an_organisation_is_not_its_own_successor():
    organisation = OrganisationFactory(historical=True)
    organisation.successor = organisation
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "elle-même" in str(error.value.message_dict["successor"])


def test_a_relation_links_two_organisations_in_date_order():
    first, second = OrganisationFactory(), OrganisationFactory()
    relation = Relation(
        source_organisation=first, target_organisation=first, kind="finance", source="Convention"
    )
    with pytest.raises(ValidationError) as error:
        relation.full_clean()
    assert "deux organisations différentes" in str(error.value)
    from datetime import date

    relation = Relation(
        source_organisation=first,
        target_organisation=second,
        kind="finance",
        source="Convention",
        started_on=date(2020, 1, 1),
        ended_on=date(2019, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        relation.full_clean()
    assert "ne précède pas son début" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        relation.save()


def test_a_person_is_shown_by_role_unless_they_consented_to_their_name():
    person = PersonFactory.build(name="Camille Martin", role="chargée de mission")
    assert person.public_label == "une personne, chargée de mission"
    person.consent_to_name = True
    assert person.public_label == "Camille Martin, chargée de mission"
    person.role_public = False
    assert person.public_label == "Camille Martin"
    person.consent_to_name = False
    assert person.public_label == "une personne"


def test_team_roles_keep_the_stored_values_of_words_speakers():
    assert TeamRole.values == ["elu", "agent", "etat", "socio_economique", "habitant", "autre"]
    from territoires.initiatives.models import Verbatim

    assert Verbatim._meta.get_field("category").choices == TeamRole.choices


def test_the_seed_categories_are_there_with_their_reasons():
    top = Category.objects.filter(parent=None)
    assert top.count() == 7
    assert Category.objects.get(slug="ademe").reason == "conseil technique, financement ponctuel"
    assert Category.objects.get(slug="ademe").parent.slug == "institutions"
    assert all("World Café" in category.source for category in Category.objects.all())


def test_a_category_is_at_most_two_levels_deep():
    child = Category.objects.get(slug="ademe")
    grandchild = Category(slug="ademe-alsace", name="ADEME Alsace", parent=child)
    with pytest.raises(ValidationError):
        grandchild.full_clean()


# --- Services --------------------------------------------------------------------------


def test_a_new_organisation_from_a_territory_acts_there(town, bob):
    organisation = services.save_organisation(
        Organisation(name="Régie agricole"), territory=town, by=bob
    )
    assert list(organisation.territories.all()) == [town]


def test_a_refused_organisation_writes_nothing(town, bob):
    with pytest.raises(ValidationError):
        services.save_organisation(
            Organisation(name="Régie", siren="123456789"), territory=town, by=bob
        )
    assert not Organisation.objects.exists()


def test_the_person_keeps_who_registered_them(bob):
    person = services.save_person(
        Person(organisation=OrganisationFactory(), name="Camille", role="agente"), by=bob
    )
    assert person.created_by == bob


# --- Forms and pages ---------------------------------------------------------------------


def create_url(town):
    return f"/territoires/commune/06084-{town.slug}/acteurs/nouvelle/"


def test_the_team_adds_an_organisation_with_its_numbers_typed_with_spaces(client, town, bob):
    client.force_login(bob)
    response = client.post(
        create_url(town),
        {
            "name": "Énergie partagée",
            "kind": "association",
            "category": Category.objects.get(slug="associations-environnement").pk,
            "siren": "732 829 320",
            "siret": "732 829 320 00074",
            "website": "energie.example.org",
        },
    )
    organisation = Organisation.objects.get()
    assert response.status_code == 302 and response["Location"] == organisation.get_absolute_url()
    assert organisation.siren == "732829320" and organisation.siret == "73282932000074"
    assert organisation.website == "https://energie.example.org"
    assert list(organisation.territories.all()) == [town]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"siren": "732829321"}, "clé de contrôle"),
        ({"siren": "12"}, "9 chiffres"),
        ({"siret": "73282932000075"}, "clé de contrôle"),
        ({"ended_on": "2010-01-01"}, "suppose qu&#x27;elle n&#x27;existe plus"),
        ({"ended": "on"}, "la source"),
        ({"kind": "fusee"}, "Sélectionnez un choix valide"),
        ({"name": ""}, "Ce champ est obligatoire"),
        ({"ended_on": "2010-13-45"}, "Saisissez une date valide"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(client, town, bob, data, message):
    client.force_login(bob)
    response = client.post(create_url(town), {"name": "Régie", "kind": "autre", **data})
    assert response.status_code == 400 and message in response.text
    assert not Organisation.objects.exists()


def test_an_organisation_page_lists_its_territories_initiatives_relations_and_people(
    client, town, elsewhere
):
    host = OrganisationFactory(name="Communauté d'agglomération", historical=True)
    successor = OrganisationFactory(name="Agglomération nouvelle")
    host.successor = successor
    host.save()
    organiser = OrganisationFactory(name="Réseau de villes", territories=[elsewhere])
    RelationFactory(source_organisation=organiser, target_organisation=host, kind="coopere")
    contact(InitiativeFactory(title="Atelier public", published=True), host, role="Accueil")
    contact(InitiativeFactory(title="Brouillon secret"), host)
    PersonFactory(organisation=host, name="Jo Nommé", consent_to_name=True, role="président")
    PersonFactory(organisation=host, name="Anne Secrète", role="déléguée", email="anne@x.org")
    page = client.get(host.get_absolute_url())
    text = page.text
    assert page.status_code == 200
    assert "historique" in text and "Agglomération nouvelle" in text
    assert "Mouans-Sartoux" in text and "Atelier public" in text and "Accueil" in text
    assert "Brouillon secret" not in text
    assert "Réseau de villes" in text and "coopère avec" in text
    assert "Jo Nommé, président" in text
    assert "Anne Secrète" not in text and "une personne, déléguée" in text
    assert "anne@x.org" not in text
    # An old or wrong slug is sent to the right address.
    moved = client.get(f"/acteurs/{host.pk}-ancien-nom/")
    assert moved.status_code == 301 and moved["Location"] == host.get_absolute_url()
    assert client.get("/acteurs/999999-rien/").status_code == 404


def test_the_team_sees_private_fields_and_visitors_do_not(client, town, dana, bob):
    organisation = OrganisationFactory(name="Régie")
    PersonFactory(organisation=organisation, name="Anne Secrète", email="anne@x.org")
    list_url = f"/territoires/commune/06084-{town.slug}/acteurs/"
    client.force_login(dana)
    listed = client.get(list_url).text
    assert "Anne Secrète" in listed and "anne@x.org" in listed and "privé" in listed
    assert "Ajouter une organisation" not in listed
    client.force_login(bob)
    page = client.get(organisation.get_absolute_url()).text
    assert "Anne Secrète" in page and "non nommée en public" in page


def test_the_team_adds_people_and_relations(client, town, bob):
    organisation = OrganisationFactory(name="Régie")
    partner = OrganisationFactory(name="Chambre d'agriculture")
    faraway = OrganisationFactory(name="Lointaine", territories=[commune("06004")])
    client.force_login(bob)
    response = client.post(
        f"/acteurs/{organisation.pk}/personnes/nouvelle/",
        {"name": "Camille", "role": "agente", "team_role": "agent", "email": "c@example.org"},
    )
    assert response.status_code == 302
    person = organisation.people.get()
    assert (person.team_role, person.consent_to_name, person.email_public) == (
        "agent",
        False,
        False,
    )
    url = f"/acteurs/{organisation.pk}/relations/nouvelle/"
    refused = client.post(url, {"kind": "finance", "target_organisation": faraway.pk})
    assert refused.status_code == 400 and "Sélectionnez un choix valide" in refused.text
    assert "Ce champ est obligatoire" in refused.text  # the source
    saved = client.post(
        url,
        {
            "kind": "finance",
            "target_organisation": partner.pk,
            "started_on": "2021-01-01",
            "source": "Délibération du conseil",
        },
    )
    assert saved.status_code == 302
    assert str(Relation.objects.get()) == "Régie finance Chambre d'agriculture"


def test_only_the_team_of_a_territory_where_it_acts_may_edit_it(client, town, bob, charlie):
    organisation = OrganisationFactory(name="Régie")
    url = f"/acteurs/{organisation.pk}/modifier/"
    client.force_login(charlie)  # admin of Antibes
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Pris", "kind": "autre"}).status_code == 403
    client.force_login(bob)
    edit = {"name": "Régie des eaux", "kind": "autre", "edit_version": organisation.edit_version}
    assert client.post(url, edit).status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Régie des eaux"
    # Named by an initiative of Antibes only: Antibes' team answers for it.
    named = OrganisationFactory(name="Coopérative", territories=[])
    contact(InitiativeFactory(territory=commune("06004")), named)
    client.force_login(charlie)
    assert client.get(f"/acteurs/{named.pk}/modifier/").status_code == 200


def test_changes_are_in_the_history_without_peoples_names(bob):
    from auditlog.models import LogEntry

    person = services.save_person(
        Person(organisation=OrganisationFactory(), name="Camille Martin", role="agente"), by=bob
    )
    entry = LogEntry.objects.get_for_object(person).get()
    assert "Camille" not in entry.object_repr and "name" not in entry.changes_dict
    assert LogEntry.objects.get_for_object(person.organisation).exists()


def test_the_team_removes_a_person(client, town, bob, charlie):
    person = PersonFactory(organisation=OrganisationFactory(name="Régie"))
    url = f"/acteurs/personnes/{person.pk}/supprimer/"
    client.force_login(bob)
    assert "Retirer cette personne" in client.get(f"/acteurs/personnes/{person.pk}/modifier/").text
    client.force_login(charlie)
    assert client.post(url).status_code == 403 and Person.objects.exists()
    client.force_login(bob)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302 and not Person.objects.exists()


def test_the_form_page_lists_the_categories_in_a_few_queries(
    client, town, bob, django_assert_max_num_queries
):
    client.force_login(bob)
    with django_assert_max_num_queries(12):
        page = client.get(create_url(town)).text
    assert "Institutions, organismes, agences › ADEME" in page


def test_an_organisation_only_drafts_name_is_the_teams(client, bob, dana):
    organisation = OrganisationFactory(name="Légumerie", territories=[])
    contact(InitiativeFactory(title="Projet"), organisation)
    url = organisation.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(dana)  # a reader sees what visitors see
    assert client.get(url).status_code == 404
    client.force_login(bob)
    assert client.get(url).status_code == 200
    contact(InitiativeFactory(title="Publiée", published=True), organisation)
    client.logout()
    assert client.get(url).status_code == 200


def test_a_public_email_needs_the_consent_to_be_named(client, bob, town):
    from tests.actors.factories import OrganisationFactory

    organisation = OrganisationFactory(name="Régie agricole")
    client.force_login(bob)
    data = {"name": "Marie Curie", "role": "directrice", "email": "marie@example.org"}
    refused = client.post(
        f"/acteurs/{organisation.pk}/personnes/nouvelle/", {**data, "email_public": "on"}
    )
    assert refused.status_code == 400 and "restent privées" in refused.content.decode()
    assert not organisation.people.exists()
    accepted = client.post(
        f"/acteurs/{organisation.pk}/personnes/nouvelle/",
        {**data, "email_public": "on", "consent_to_name": "on"},
    )
    assert accepted.status_code == 302 and organisation.people.get().email_public


def test_a_relation_is_refused_twice_or_with_an_absurd_date_and_is_removed(client, bob, town):
    from territoires.actors.models import Relation
    from tests.actors.factories import OrganisationFactory

    regie, cantine = OrganisationFactory(name="Régie"), OrganisationFactory(name="Cantine")
    client.force_login(bob)
    url = f"/acteurs/{regie.pk}/relations/nouvelle/"
    data = {"kind": "fournit", "target_organisation": cantine.pk, "source": "Convention"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400 and "déjà enregistrée" in again.content.decode()
    absurd = client.post(url, {**data, "started_on": "9999-12-31"})
    assert absurd.status_code == 400 and "Année improbable" in absurd.content.decode()
    relation = Relation.objects.get()
    page = client.get(cantine.get_absolute_url()).content.decode()
    assert f"/acteurs/relations/{relation.pk}/supprimer/" in page
    removed = client.post(f"/acteurs/relations/{relation.pk}/supprimer/", {"depuis": cantine.pk})
    assert removed.status_code == 302 and removed.url == cantine.get_absolute_url()
    assert not Relation.objects.exists()


def test_dates_are_written_with_four_digit_years():
    import datetime

    from territoires.actors import tabular

    assert tabular.format_date(datetime.date(1, 1, 1)) == "01/01/0001"
    assert tabular.format_date(datetime.date(2026, 3, 21)) == "21/03/2026"


def test_two_people_editing_an_organisation_lose_nothing(client, bob, alice, town):
    import re

    from tests.actors.factories import OrganisationFactory

    organisation = OrganisationFactory(name="Régie agricole", description="Avant")
    url = f"/acteurs/{organisation.pk}/modifier/"
    client.force_login(bob)
    version = int(re.search(r'name="edit_version" value="(\d+)"', client.get(url).text)[1])
    fields = {"name": "Régie agricole", "kind": "association", "edit_version": version}
    assert client.post(url, {**fields, "description": "Celle de Bob"}).status_code == 302
    client.force_login(alice)
    stale = client.post(url, {**fields, "description": "Avant", "source": "Celle d'Alice"})
    assert stale.status_code == 409
    assert "Celle de Bob" in stale.content.decode()
    organisation.refresh_from_db()
    assert organisation.description == "Celle de Bob" and organisation.source == ""
