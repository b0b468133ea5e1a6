from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "collectivite", _("collectivité")
    STATE_SERVICE = "etat", _("service de l'État")
    AGENCY = "agence", _("agence, établissement public")
    COMPANY = "entreprise", _("entreprise")
    ASSOCIATION = "association", _("association")
    CHAMBER = "chambre", _("chambre consulaire")
    UNION = "syndicat", _("syndicat")
    SCHOOL = "enseignement", _("établissement d'enseignement")
    RESEARCH = "recherche", _("recherche")
    OTHER = "autre", _("autre")


class RelationKind(models.TextChoices):
    """How one organisation stands to another (read: source <kind> target)."""

    COOPERATES = "coopere", _("coopère avec")
    FUNDS = "finance", _("finance")
    MEMBER_OF = "membre", _("est membre de")
    ADVISES = "conseille", _("conseille")
    REPRESENTS = "represente", _("représente")
    SUPPLIES = "fournit", _("fournit")
