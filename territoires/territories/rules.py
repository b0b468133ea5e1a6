"""Who may do what with the registry (checked by views, the API and the admin).

Permissions that depend on a person's role in a territory are declared by `accounts`,
which holds the roles (accounts/rules.py)."""

import rules

is_facilitator = rules.is_authenticated & rules.predicate(
    lambda user: getattr(user, "is_facilitator", False)
)

rules.add_perm("territories.add_project", is_facilitator | rules.is_staff)
# The admin (staff only) asks for model-level permissions, with obj=None.
rules.add_perm("territories", rules.is_staff)
for model in ("territory", "projectmembership", "territoryshape", "registryimport"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"territories.{action}_{model}", rules.is_staff)
