"""The actors' models in the history of changes (territoires/core/history.py)."""

from territoires.actors.models import Category, Organisation, Person, Relation
from territoires.core import history


def _first_territory(organisation_id):
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return None
    return organisation.territories_for_teams().values_list("pk", flat=True).first()


def register():
    history.track(Category)
    history.track(
        Organisation, territory_of=lambda item: _first_territory(item.pk), m2m={"territories"}
    )
    history.track(Relation, territory_of=lambda item: _first_territory(item.source_organisation_id))
    # People are third parties: their name, e-mail and phone stay out of the trail.
    history.track(
        Person,
        territory_of=lambda item: _first_territory(item.organisation_id),
        exclude=["name", "email", "phone"],
        personal=True,
    )
