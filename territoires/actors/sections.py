"""What the actors contribute to the pages that compose the apps: the portrait's section
« Acteurs et gouvernance », and what its cache depends on."""

from territoires.actors import selectors
from territoires.actors.models import Category, Organisation
from territoires.core import portrait, versions
from territoires.initiatives.models import Initiative, InitiativeContact


def _load(territory, user):
    return {"groups": selectors.actors_by_category(territory, user)}


def _territory_of_contact(contact) -> list[int | None]:
    # Read by id: the initiative may be in the middle of being deleted with its contacts.
    return list(
        Initiative.objects.filter(pk=contact.initiative_id).values_list("territory_id", flat=True)
    )


def _territories_of_organisation(organisation) -> list[int | None]:
    if organisation.pk is None:
        return []
    return list(organisation.territories_for_teams().values_list("pk", flat=True))


def _territories_of_relation(item) -> list[int | None]:
    """For the territories' side of the many-to-many: the organisation or the territory."""
    if isinstance(item, Organisation):
        return _territories_of_organisation(item)
    return [item.pk]


def register():
    portrait.sections.register(
        portrait.PortraitSection(
            name="acteurs",
            order=70,
            template="actors/sections/actors.html",
            load=_load,
            edit_permission="actors.edit_actors",
        )
    )
    versions.watch(InitiativeContact, versions.TERRITORY, _territory_of_contact)
    versions.watch(Organisation, versions.TERRITORY, _territories_of_organisation)
    versions.watch(Organisation.territories.through, versions.TERRITORY, _territories_of_relation)
    versions.watch(Category, versions.SHARED, lambda category: [0])
