from django.db import transaction

from territoires.accounts.enums import Role
from territoires.accounts.models import Membership, User


class LastAdminError(Exception):
    pass


def grant_membership(user: User, territory, role: Role) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, territory=territory, defaults={"role": role}
    )
    user.__dict__.pop("_roles", None)
    return membership


@transaction.atomic
def change_role(membership: Membership, role: Role) -> Membership:
    """Change a role, refusing to leave a territory that had admins without any."""
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        _check_other_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def revoke_membership(membership: Membership):
    if membership.role == Role.ADMIN:
        _check_other_admin(membership)
    membership.delete()


def _check_other_admin(membership: Membership):
    others = (
        Membership.objects.select_for_update()
        .filter(territory=membership.territory, role=Role.ADMIN)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise LastAdminError("Ce territoire doit garder au moins un·e administrateur·ice.")
