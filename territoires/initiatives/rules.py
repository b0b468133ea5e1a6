"""Who may do what with the commons (checked by views, the API and the admin)."""

import rules

from territoires.accounts.rules import is_contributor, is_curator, is_staff, is_territory_admin

# A territory's portrait and everything on it: its contributors and admins.
rules.add_perm("initiatives.edit_portrait", is_contributor | is_staff)
# Vouching that a territory's content is still right: its admins, the platform's curators.
rules.add_perm("initiatives.check_content", is_territory_admin | is_curator | is_staff)
# The queue of content due for a check, every territory's: curators.
rules.add_perm("initiatives.curate", is_curator | is_staff)
# The admin (staff only) asks for model-level permissions, with obj=None.
rules.add_perm("initiatives", is_staff)
for model in (
    "initiative",
    "initiativeresult",
    "initiativecontact",
    "initiativeresource",
    "verbatim",
    "milestone",
    "theme",
    "photo",
    "video",
    "portrait",
    "keyfigure",
):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"initiatives.{action}_{model}", is_staff)
