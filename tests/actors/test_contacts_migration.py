"""The migration that makes initiatives' contacts links to organisations
(initiatives 0010–0012): every row kept, one organisation per spelling in a territory."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("initiatives", "0010_contact_add_organisation_link"), ("actors", "0002_seed_categories")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_contacts_become_links_and_spellings_of_one_organisation_merge():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    apps = _migrate(BEFORE)
    Territory = apps.get_model("territories", "Territory")
    Initiative = apps.get_model("initiatives", "Initiative")
    Contact = apps.get_model("initiatives", "InitiativeContact")

    def territory(code, name):
        return Territory.objects.create(
            kind="commune", code=code, name=name, slug=name.lower(), search_key=name.lower()
        )

    mouans, antibes = territory("96084", "Mouans"), territory("96004", "Antibes")

    def initiative(title, where):
        return Initiative.objects.create(
            title=title, slug=title.lower().replace(" ", "-"), territory=where, summary="."
        )

    canteen = initiative("Cantines", mouans)
    farm = initiative("Régie", mouans)
    solar = initiative("Solaire", antibes)
    rows = [
        Contact.objects.create(
            initiative=canteen, organisation="Chambre d'agriculture", role="Conseil"
        ),
        Contact.objects.create(
            initiative=farm,
            organisation="  CHAMBRE  D’AGRICULTURE ",
            role="Formation",
            website="https://ca.example.org",
        ),
        Contact.objects.create(initiative=farm, organisation="Maison de l'éducation"),
        Contact.objects.create(initiative=solar, organisation="Chambre d'agriculture"),
    ]

    apps = _migrate(latest)
    Contact = apps.get_model("initiatives", "InitiativeContact")
    Organisation = apps.get_model("actors", "Organisation")
    contacts = {contact.pk: contact for contact in Contact.objects.all()}
    assert sorted(contacts) == sorted(row.pk for row in rows)  # every row kept
    chamber = contacts[rows[0].pk].organisation
    # Two spellings in Mouans-Sartoux: one organisation, its first spelling, a website kept.
    assert contacts[rows[1].pk].organisation_id == chamber.pk
    assert chamber.name == "Chambre d'agriculture" and chamber.website == "https://ca.example.org"
    assert [contacts[row.pk].role for row in rows[:2]] == ["Conseil", "Formation"]
    # Antibes' chamber is another body of the same name.
    assert contacts[rows[3].pk].organisation_id not in (chamber.pk, None)
    assert Organisation.objects.count() == 3
    assert contacts[rows[2].pk].initiative_id == farm.pk

    # And back: the names come back on the contacts.
    apps = _migrate(BEFORE)
    Contact = apps.get_model("initiatives", "InitiativeContact")
    assert sorted(Contact.objects.values_list("organisation", flat=True)) == [
        "Chambre d'agriculture",
        "Chambre d'agriculture",
        "Chambre d'agriculture",
        "Maison de l'éducation",
    ]
    _migrate(latest)
