"""Operations on accounts and on the teams of territories, each in one transaction."""

import logging

from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from territoires.accounts.enums import Role
from territoires.accounts.models import Membership, User
from territoires.core.addresses import site_url

logger = logging.getLogger(__name__)


# --- Sign-up, confirmed by a link sent to the address ------------------------------------


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens of the link that confirms a new account's address, valid as long as a password
    reset link (PASSWORD_RESET_TIMEOUT, three days). A token dies once used (the account is
    then active) and when the password changes (a new sign-up with the same address replaces
    the pending one, and its links)."""

    key_salt = "territoires.accounts.services.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{timestamp}{user.email}"


activation_tokens = ActivationTokenGenerator()


def awaits_confirmation(user: User) -> bool:
    """Signed up for, its address never confirmed: inactive, never logged in (an account
    staff deactivated after use has logged in), with a password (the placeholder of erased
    accounts, for one, has none)."""
    return not user.is_active and user.last_login is None and user.has_usable_password()


def account_awaiting_confirmation(email: str) -> User | None:
    """The account of this address if it awaits the confirmation of its address."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    return user if user is not None and awaits_confirmation(user) else None


@transaction.atomic
def sign_up(email: str, password: str, display_name: str = "") -> None:
    """A sign-up, answered alike whether or not the address has an account (no enumeration):
    the view shows the same page, and one message leaves for the address once committed.

    - a new address: an inactive account, and a link to confirm the address (`activate`);
    - an account awaiting confirmation: this sign-up replaces it (password, name) with a
      new link; the older links die with the old password;
    - an active account: nothing changes; its owner learns that someone tried to sign up
      with their address, with a link to choose a new password if it was them;
    - an account staff deactivated: nothing changes, and no message.

    The password is hashed in every case, so that the time taken tells nothing either.
    """
    email = email.strip().lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email, password, display_name=display_name, is_active=False
                )
        except IntegrityError:  # the same address, signed up at the same instant
            user = User.objects.select_for_update().get(email__iexact=email)
        else:
            transaction.on_commit(lambda: send_confirmation_link(user))
            return
    if user.is_active:
        make_password(password)
        transaction.on_commit(lambda: send_existing_account_notice(user))
    elif awaits_confirmation(user):
        user.set_password(password)
        user.display_name = display_name
        user.save(update_fields=["password", "display_name"])
        transaction.on_commit(lambda: send_confirmation_link(user))
    else:
        make_password(password)


def send_confirmation_link(user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse(
        "accounts:signup_confirm",
        kwargs={"uidb64": uid, "token": activation_tokens.make_token(user)},
    )
    _send(
        user,
        "accounts/email/signup_confirm_subject.txt",
        "accounts/email/signup_confirm.txt",
        {"confirm_url": site_url() + path},
    )


def send_existing_account_notice(user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
    )
    _send(
        user,
        "accounts/email/signup_existing_subject.txt",
        "accounts/email/signup_existing.txt",
        {
            "login_url": site_url() + reverse("accounts:login"),
            "reset_url": site_url() + path,
        },
    )


def _send(user: User, subject_template: str, body_template: str, context: dict) -> None:
    """Send a message to `user`; a mail server that fails is logged, never shown: the page
    the visitor sees must not depend on it."""
    context = {**context, "user": user}
    subject = "".join(render_to_string(subject_template, context).splitlines())
    body = render_to_string(body_template, context)
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:
        logger.exception("could not send %s to account %s", body_template, user.pk)


def account_to_activate(uidb64: str, token: str) -> User | None:
    """The inactive account a confirmation link names, if its token is valid."""
    try:
        user = User.objects.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, ValidationError, User.DoesNotExist):
        return None
    if user.is_active or not activation_tokens.check_token(user, token):
        return None
    return user


@transaction.atomic
def activate(user: User) -> User:
    """The address is confirmed: the account may log in."""
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


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
        check_other_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    membership.user.__dict__.pop("_roles", None)
    return membership


@transaction.atomic
def revoke_membership(membership: Membership):
    if membership.role == Role.ADMIN:
        check_other_admin(membership)
    membership.delete()


def check_other_admin(membership: Membership):
    others = (
        Membership.objects.select_for_update()
        .filter(territory=membership.territory, role=Role.ADMIN)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise LastAdminError(_("Ce territoire doit garder au moins un·e administrateur·ice."))
