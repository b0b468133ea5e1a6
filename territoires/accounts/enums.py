from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role in one territory; each role includes the ones before it."""

    READER = "reader", _("lecteur·ice")
    CONTRIBUTOR = "contributor", _("contributeur·ice")
    ADMIN = "admin", _("administrateur·ice")


ROLE_RANK = {Role.READER: 1, Role.CONTRIBUTOR: 2, Role.ADMIN: 3}
