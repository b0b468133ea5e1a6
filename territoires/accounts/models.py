from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from territoires.accounts.enums import Role

# The account that contributions of erased accounts are credited to (accounts/data.py):
# it cannot log in, and `.invalid` is a domain no mail can reach (RFC 2606).
DELETED_PERSON_EMAIL = "personne-supprimee@territoires.invalid"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """A person with an account, identified by email."""

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    display_name = models.CharField(_("nom affiché"), max_length=150, blank=True)
    is_facilitator = models.BooleanField(
        _("animateur·ice de réseau"),
        default=False,
        help_text=_("Rôle à l'échelle de la plateforme : anime des programmes d'accompagnement."),
    )
    is_curator = models.BooleanField(
        _("curateur·ice des communs"),
        default=False,
        help_text=_(
            "Rôle à l'échelle de la plateforme : vérifie les initiatives, paroles et portraits "
            "de tous les territoires."
        ),
    )
    # When the person was told their account would be erased for inactivity
    # (accounts/data.py); emptied by the next retention run once they have logged in since.
    inactivity_warned_at = models.DateTimeField(
        _("averti·e de l'inactivité le"), null=True, blank=True, editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur·ice")
        verbose_name_plural = _("utilisateur·ices")

    def __str__(self):
        if self.is_deleted_person:
            return gettext("Personne supprimée")
        return self.display_name or self.email

    @property
    def is_deleted_person(self) -> bool:
        """The placeholder that erased accounts' contributions are credited to."""
        return self.email == DELETED_PERSON_EMAIL

    def role_in(self, territory) -> str | None:
        """This user's role in a territory, memoised per request-scoped instance."""
        cache = self.__dict__.setdefault("_roles", {})
        if territory.pk not in cache:
            cache[territory.pk] = (
                self.memberships.filter(territory=territory).values_list("role", flat=True).first()
            )
        return cache[territory.pk]


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.READER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(fields=["user", "territory"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.territory} ({self.get_role_display()})"
