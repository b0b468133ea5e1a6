"""Operations on accounts and on the teams of territories, each in one transaction."""

from django.db import transaction
from django.utils.translation import gettext as _

from territoires.accounts.enums import Role
from territoires.accounts.models import Membership, User


@transaction.atomic
def sign_up(form) -> User:
    """A new account from a valid sign-up form."""
    return form.save()


class LastAdminError(Exception):
    pass


class UnknownAccount(Exception):
    pass


@transaction.atomic
def grant_membership(user: User, territory, role: Role) -> Membership:
    """Give `user` a role in `territory` (or change the role they have there)."""
    membership = Membership.objects.select_for_update().filter(user=user, territory=territory)
    membership = membership.first()
    if membership is not None and membership.role != role:
        return change_role(membership, role)
    if membership is None:
        membership = Membership.objects.create(user=user, territory=territory, role=role)
    user.__dict__.pop("_roles", None)
    return membership


@transaction.atomic
def add_member(email: str, territory, role: Role) -> Membership:
    """The person with this address joins the team; UnknownAccount if nobody has it."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        raise UnknownAccount(
            _("Aucun compte n'utilise cette adresse : invitez la personne à en créer un.")
        )
    return grant_membership(user, territory, role)


@transaction.atomic
def change_role(membership: Membership, role: Role) -> Membership:
    """Change a role, refusing to leave a territory that had admins without any."""
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        _check_other_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    membership.user.__dict__.pop("_roles", None)
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
        raise LastAdminError(_("Ce territoire doit garder au moins un·e administrateur·ice."))
