"""People of organisations in « Mes données » and the erasure of an account."""

from territoires.accounts import data
from territoires.actors import services
from territoires.actors.models import Person
from tests.actors.factories import OrganisationFactory, PersonFactory


def test_people_entered_are_exported_then_credited_to_the_placeholder(bob):
    organisation = OrganisationFactory(name="Régie")
    services.save_person(
        Person(organisation=organisation, name="Camille", role="agente", email="c@example.org"),
        by=bob,
    )
    # An entry about the account holder themselves, entered by someone else.
    PersonFactory(organisation=organisation, name="Bob", email=bob.email.upper())
    exported = data.export_document(bob)
    rows = exported["data"]["actors.Person"]["rows"]
    assert [(row["name"], row["organisation"]) for row in rows] == [("Camille", "Régie")]
    data.erase_account(bob)
    camille = Person.objects.get()
    assert camille.name == "Camille" and camille.created_by == data.deleted_person()
