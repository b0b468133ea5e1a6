"""Who may do what with organisations, people and relations (views, the admin)."""

import rules

from territoires.accounts.rules import is_contributor, is_reader, is_staff, is_territory_admin
from territoires.territories.rules import is_facilitator

# A territory's actors: its contributors and admins add and edit them, its team reads the
# list with what people keep private.
rules.add_perm("actors.edit_actors", is_contributor | is_staff)
rules.add_perm("actors.view_actors", is_reader | is_staff)
# Bringing the commune's elected officials in from the national register is the admins'
# decision (personal data of people who did not ask for it).
rules.add_perm("actors.import_officials", is_territory_admin | is_staff)
# The categories are one vocabulary for every territory: the networks' facilitators extend it.
rules.add_perm("actors.extend_categories", is_facilitator | is_staff)


@rules.predicate
def edits_a_territory_of(user, organisation):
    """Contributor or admin of a territory where the organisation acts or that one of its
    initiatives belongs to."""
    if organisation is None or not user.is_authenticated:
        return False
    return any(
        user.has_perm("actors.edit_actors", territory)
        for territory in organisation.territories_for_teams()
    )


rules.add_perm("actors.edit_organisation", edits_a_territory_of | is_staff)
# The admin (staff only) asks for model-level permissions, with obj=None.
rules.add_perm("actors", is_staff)
for model in (
    "category",
    "organisation",
    "person",
    "relation",
    "governancebody",
    "bodymember",
    "meeting",
    "decision",
    "charter",
    "signatory",
    "chain",
    "chainlink",
):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"actors.{action}_{model}", is_staff)
