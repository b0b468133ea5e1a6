"""The actors' models in the history of changes (territoires/core/history.py)."""

from territoires.actors.models import (
    BodyMember,
    Category,
    Chain,
    ChainLink,
    Charter,
    Decision,
    GovernanceBody,
    Meeting,
    Organisation,
    Person,
    Relation,
    Signatory,
)
from territoires.core import history


def _first_territory(organisation_id):
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return None
    return organisation.territories_for_teams().values_list("pk", flat=True).first()


def register():
    history.track(Category)
    history.track(
        Organisation,
        territory_of=lambda item: _first_territory(item.pk),
        m2m={"territories"},
        exclude=["edit_version"],
    )
    history.track(Relation, territory_of=lambda item: _first_territory(item.source_organisation_id))
    # People are third parties: their name, e-mail and phone stay out of the trail.
    history.track(
        Person,
        territory_of=lambda item: _first_territory(item.organisation_id),
        exclude=["name", "email", "phone"],
        personal=True,
    )
    # Governance: no personal data of their own (a member points at a Person, tracked above).
    history.track(GovernanceBody, territory_of=lambda item: item.territory_id)
    history.track(BodyMember, territory_of=lambda item: _body_territory(item.body_id))
    history.track(Meeting, territory_of=lambda item: _body_territory(item.body_id))
    history.track(
        Decision,
        territory_of=lambda item: (
            Meeting.objects.filter(pk=item.meeting_id)
            .values_list("body__territory_id", flat=True)
            .first()
        ),
    )
    history.track(Charter, territory_of=lambda item: item.territory_id)
    history.track(Chain, territory_of=lambda item: item.territory_id)
    history.track(ChainLink, territory_of=lambda item: _chain_territory(item.chain_id))
    history.track(
        Signatory,
        territory_of=lambda item: (
            Charter.objects.filter(pk=item.charter_id)
            .values_list("territory_id", flat=True)
            .first()
        ),
    )


def _chain_territory(chain_id):
    return Chain.objects.filter(pk=chain_id).values_list("territory_id", flat=True).first()


def _body_territory(body_id):
    return GovernanceBody.objects.filter(pk=body_id).values_list("territory_id", flat=True).first()
