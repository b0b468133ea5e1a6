"""Who may do what with a territory's controversies (views, the admin)."""

import rules

from territoires.accounts.rules import is_contributor, is_reader, is_staff, is_territory_admin

# The log is the team's: its readers read it, its contributors write it; publishing a
# summary speaks for the territory, so its admins decide it.
rules.add_perm("controversies.view_controversies", is_reader | is_staff)
rules.add_perm("controversies.edit_controversies", is_contributor | is_staff)
rules.add_perm("controversies.publish_controversies", is_territory_admin | is_staff)
rules.add_perm("controversies", is_staff)
for model in ("controversy", "position", "argument", "venue"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"controversies.{action}_{model}", is_staff)
