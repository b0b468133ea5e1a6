"""Every write of organisations, people and relations: one atomic function per use case."""

from django.db import transaction

from territoires.actors.models import Organisation, Person, Relation


@transaction.atomic
def save_organisation(organisation: Organisation, *, territory=None, by=None) -> Organisation:
    """Create or change an organisation (validated whole); a new one made from a
    territory's page acts in that territory."""
    organisation.full_clean()
    organisation.save()
    if territory is not None:
        organisation.territories.add(territory)
    return organisation


@transaction.atomic
def save_person(person: Person, *, by=None) -> Person:
    if person.pk is None and by is not None and by.is_authenticated:
        person.created_by = by
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def delete_person(person: Person, *, by=None) -> None:
    person.delete()


@transaction.atomic
def save_relation(relation: Relation, *, by=None) -> Relation:
    relation.full_clean()
    relation.save()
    return relation
