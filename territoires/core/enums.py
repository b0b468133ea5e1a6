"""Vocabularies shared by several domain apps, which import them from here rather than from
each other."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamRole(models.TextChoices):
    """The « 4 Fantastiques » plus inhabitants (seed 001), or someone else: one vocabulary
    for a word's speaker, a person of an organisation, a programme team member and a workshop
    participant."""

    ELECTED = "elu", _("élu·e")
    AGENT = "agent", _("agent·e de la collectivité")
    STATE = "etat", _("État territorial")
    SOCIO_ECONOMIC = "socio_economique", _("acteur·ice socio-économique")
    INHABITANT = "habitant", _("habitant·e")
    OTHER = "autre", _("autre")
