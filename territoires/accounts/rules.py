"""Roles in a territory, and the permissions on territories that follow from them.

The predicates (`is_reader`, `is_contributor`, `is_territory_admin`) are what every app's
own `rules.py` builds its permissions from; the permissions declared here are those of
accounts themselves and of the territories' teams. Checked by views, the API and the admin.
"""

import rules

from territoires.accounts.enums import ROLE_RANK, Role


def _has_role(minimum: Role):
    @rules.predicate(name=f"has_role_{minimum}")
    def predicate(user, territory):
        if territory is None or not user.is_authenticated:
            return False
        role = user.role_in(territory)
        return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[minimum]

    return predicate


is_reader = _has_role(Role.READER)
is_contributor = _has_role(Role.CONTRIBUTOR)
is_territory_admin = _has_role(Role.ADMIN)
is_staff = rules.is_staff
is_curator = rules.is_authenticated & rules.predicate(lambda user: user.is_curator)

rules.add_perm("territories.view_members", is_reader | is_staff)
rules.add_perm("territories.manage_members", is_territory_admin | is_staff)
rules.add_perm("territories.change_project", is_territory_admin | is_staff)
# The admin (staff only) asks for model-level permissions, with obj=None.
rules.add_perm("accounts", is_staff)
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"accounts.{action}_membership", is_staff)
    rules.add_perm(f"accounts.{action}_user", rules.is_superuser)
