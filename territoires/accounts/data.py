"""A person's data (« Mes données »): what is kept about them, its export, the erasure of
their account, and the erasure of accounts left inactive (retention).

What each app keeps, and how it is exported and erased, is registered in
`core.personal_data.holders`; here are the use cases over it. Erasure runs in one
transaction: contributions and history stay, credited to « Personne supprimée » (one
placeholder account that cannot log in), the rest goes.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from territoires.accounts import services
from territoires.accounts.enums import Role
from territoires.accounts.models import DELETED_PERSON_EMAIL, User
from territoires.core import personal_data
from territoires.core.addresses import site_url

logger = logging.getLogger(__name__)

# Rows of one kind shown on « Mes données » (all of them are in the download).
SHOWN_ROWS = 20


class ErasureRefused(Exception):
    """The account cannot be erased now; `str(error)` says why, in French."""

    def __init__(self, message: str, territories=()):
        super().__init__(message)
        self.territories = list(territories)


def deleted_person() -> User:
    """The account that erased people's contributions are credited to."""
    person, _created = User.objects.get_or_create(
        email=DELETED_PERSON_EMAIL,
        defaults={
            "display_name": "Personne supprimée",
            "is_active": False,
            "password": make_password(None),  # unusable: nobody logs in as it
        },
    )
    return person


# --- What is kept, and its download ---------------------------------------------------------


@dataclass
class Kept:
    """One registered kind of data about a person, as « Mes données » shows it."""

    holder: personal_data.PersonalData
    rows: list[dict]
    lines: list[str] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return max(0, len(self.rows) - len(self.lines))


def kept_about(user) -> list[Kept]:
    """Every kind of data kept about `user` that has rows, in the registry's order."""
    exported = personal_data.export(user)
    kept = []
    for holder in personal_data.holders:
        rows = exported[holder.name]
        if rows:
            describe = holder.describe or (lambda row: "")
            kept.append(Kept(holder, rows, [describe(row) for row in rows[:SHOWN_ROWS]]))
    return kept


def export_document(user) -> dict:
    """The download: every registered kind of data about `user`, with what it is."""
    exported = personal_data.export(user)
    return {
        "site": site_url(),
        "exported_at": timezone.now().isoformat(),
        "data": {
            holder.name: {"label": str(holder.label), "rows": exported[holder.name]}
            for holder in personal_data.holders
        },
    }


# --- Erasure --------------------------------------------------------------------------------


def territories_left_without_admin(user) -> list:
    """The territories of which `user` is the last admin: the rule of accounts.services
    (a territory that had admins keeps one) applied to each of their admin roles."""
    blocking = []
    with transaction.atomic():
        admin_roles = (
            user.memberships.filter(role=Role.ADMIN)
            .select_related("territory")
            .order_by("territory__name")
        )
        for membership in admin_roles:
            try:
                services.check_other_admin(membership)
            except services.LastAdminError:
                blocking.append(membership.territory)
    return blocking


def check_erasure(user):
    """ErasureRefused, naming the territories, while `user` is the last admin of any."""
    if user.is_deleted_person:
        raise ErasureRefused(_("Ce compte ne peut pas être supprimé."))
    territories = territories_left_without_admin(user)
    if territories:
        names = ", ".join(territory.name for territory in territories)
        raise ErasureRefused(
            _(
                "Vous êtes le·la dernier·e administrateur·ice de : %(territories)s. Confiez ce "
                "rôle à un·e autre membre de l'équipe (page « Équipe » du territoire) avant de "
                "supprimer votre compte."
            )
            % {"territories": names},
            territories,
        )


@transaction.atomic
def erase_account(user) -> dict[str, int]:
    """Erase `user`'s account and personal data (ErasureRefused, nothing written, when it
    would leave a territory without an admin). Rows touched, by kind of data."""
    check_erasure(user)
    touched = personal_data.erase(user, deleted_person())
    transaction.on_commit(_scrub_database_files)
    logger.info("account %s erased: %s", user.pk, touched)
    return touched


def _scrub_database_files():
    """SQLite (with `secure_delete`, settings.py) has zeroed the erased rows in its pages;
    their former copies in the write-ahead log go too, unless a reader holds it (then the
    next checkpoints overwrite them)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError:  # busy: the automatic checkpoints will do it
        logger.info("write-ahead log not checkpointed after an erasure", exc_info=True)


# --- Retention: inactive accounts warned, then erased ---------------------------------------


@dataclass
class RetentionReport:
    warned: int = 0
    erased: int = 0
    withdrawn: int = 0  # warnings lifted: the person logged in since
    sessions_cleared: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (address, why)
    unsent: list[str] = field(default_factory=list)  # addresses the warning did not reach

    def lines(self) -> list[str]:
        lines = [
            f"Comptes avertis de leur inactivité : {self.warned}",
            f"Comptes inactifs supprimés : {self.erased}",
            f"Avertissements levés (connexion depuis) : {self.withdrawn}",
            f"Sessions expirées effacées : {self.sessions_cleared}",
        ]
        lines += [f"Non supprimé, {email} : {why}" for email, why in self.refused]
        lines += [
            f"Avertissement non envoyé à {email} (réessayé au prochain passage)"
            for email in self.unsent
        ]
        return lines


def _people():
    return User.objects.exclude(email=DELETED_PERSON_EMAIL)


def apply_retention(now: datetime | None = None) -> RetentionReport:
    """Warn the accounts unused for TERRITOIRES_INACTIVE_WARNING_DAYS, erase those warned
    TERRITOIRES_INACTIVE_ERASURE_DAYS ago that have not logged in since, and clear expired
    sessions. Idempotent: a second run the same day does nothing more."""
    now = now or timezone.now()
    report = RetentionReport()
    report.withdrawn = (
        _people()
        .filter(inactivity_warned_at__isnull=False, last_login__gt=F("inactivity_warned_at"))
        .update(inactivity_warned_at=None)
    )
    erase_before = now - timedelta(days=settings.INACTIVE_ERASURE_DAYS)
    due = _people().filter(inactivity_warned_at__lte=erase_before).order_by("pk")
    for user_id, email in due.values_list("pk", "email"):
        try:
            if _erase_inactive(user_id, erase_before):
                report.erased += 1
        except ErasureRefused as refusal:
            report.refused.append((email, str(refusal)))
    warn_before = now - timedelta(days=settings.INACTIVE_WARNING_DAYS)
    to_warn = (
        _people()
        .filter(inactivity_warned_at__isnull=True)
        .alias(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lte=warn_before)
        .order_by("pk")
    )
    for user in to_warn:
        if _warn(user, now):
            report.warned += 1
        else:
            report.unsent.append(user.email)
    report.sessions_cleared, _by_model = Session.objects.filter(expire_date__lt=now).delete()
    return report


@transaction.atomic
def _erase_inactive(user_id: int, erase_before: datetime) -> bool:
    """Erase the account if it is still due once locked (not logged in since its warning)."""
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if (
        user is None
        or user.inactivity_warned_at is None
        or user.inactivity_warned_at > erase_before
        or (user.last_login is not None and user.last_login > user.inactivity_warned_at)
    ):
        return False
    erase_account(user)
    return True


def _warn(user: User, now: datetime) -> bool:
    """E-mail the warning, then record it (not recorded, so tried again, if it failed)."""
    erasure_on = now + timedelta(days=settings.INACTIVE_ERASURE_DAYS)
    last_seen = user.last_login or user.date_joined
    context = {
        "user": user,
        "last_seen": formats.date_format(timezone.localtime(last_seen), "DATE_FORMAT"),
        "erasure_on": formats.date_format(timezone.localtime(erasure_on), "DATE_FORMAT"),
        "login_url": site_url() + reverse("accounts:login"),
        "data_url": site_url() + reverse("accounts:my_data"),
        "privacy_url": site_url() + reverse("www:privacy"),
    }
    subject = render_to_string("accounts/data/inactivity_warning_subject.txt", context)
    body = render_to_string("accounts/data/inactivity_warning.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [user.email])
    except OSError:  # an unreachable or refusing mail server: tried again at the next run
        logger.exception("inactivity warning to account %s not sent", user.pk)
        return False
    User.objects.filter(pk=user.pk, inactivity_warned_at__isnull=True).update(
        inactivity_warned_at=now
    )
    return True
