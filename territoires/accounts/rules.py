"""Object-level permissions, written once and used by views, the API and the admin."""

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
is_facilitator = rules.is_authenticated & rules.predicate(lambda user: user.is_facilitator)
is_staff = rules.is_staff

rules.add_perm("territories.view_members", is_reader | is_staff)
rules.add_perm("territories.manage_members", is_territory_admin | is_staff)
rules.add_perm("territories.change_presentation", is_contributor | is_staff)
rules.add_perm("territories.add_project", is_facilitator | is_staff)
rules.add_perm("territories.change_project", is_territory_admin | is_staff)
# The admin (staff only) asks for model-level permissions, with obj=None.
rules.add_perm("territories", is_staff)
rules.add_perm("accounts", is_staff)
for model in ("territory", "projectmembership", "territoryshape", "registryimport"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"territories.{action}_{model}", is_staff)
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
):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"initiatives.{action}_{model}", is_staff)
for model in ("portrait", "keyfigure"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"territories.{action}_{model}", is_staff)
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"accounts.{action}_membership", is_staff)
    rules.add_perm(f"accounts.{action}_user", rules.is_superuser)
