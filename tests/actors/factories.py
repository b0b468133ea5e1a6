"""Organisations, people and relations."""

import factory

from tests.territories.factories import commune


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actors.Organisation"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = "association"

    class Params:
        historical = factory.Trait(ended=True, source="Registre des associations")

    @factory.post_generation
    def territories(obj, create, extracted, **kwargs):
        """Acts in Mouans-Sartoux unless told otherwise (`territories=[]` for none)."""
        if create:
            obj.territories.set([commune("06084")] if extracted is None else extracted)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actors.Person"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Camille Exemple {n}")
    role = "chargée de mission énergie"
    email = factory.Sequence(lambda n: f"camille{n}@example.org")


class RelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actors.Relation"

    source_organisation = factory.SubFactory(OrganisationFactory)
    target_organisation = factory.SubFactory(OrganisationFactory)
    kind = "coopere"
    source = "Convention de partenariat"


def contact(initiative, organisation, role=""):
    """Name an organisation as a contact of an initiative (an Organisation or a new name)."""
    from territoires.actors.models import Organisation
    from territoires.initiatives.models import InitiativeContact

    if isinstance(organisation, str):
        organisation = Organisation.objects.create(name=organisation)
    return InitiativeContact.objects.create(
        initiative=initiative, organisation=organisation, role=role
    )
