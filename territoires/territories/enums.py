from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryKind(models.TextChoices):
    """Kinds of territory; the value is the word used in addresses."""

    REGION = "region", _("région")
    DEPARTEMENT = "departement", _("département")
    EPCI = "epci", _("intercommunalité")
    COMMUNE = "commune", _("commune")
    ARRONDISSEMENT = "arrondissement", _("arrondissement municipal")
    DELEGATED_COMMUNE = "commune-deleguee", _("commune déléguée")
    ASSOCIATED_COMMUNE = "commune-associee", _("commune associée")
    PROJECT = "projet", _("territoire de projet")


OFFICIAL_KINDS = [kind for kind in TerritoryKind if kind != TerritoryKind.PROJECT]
# Historical entries kept for search and links, never drawn on the atlas.
HISTORICAL_KINDS = [TerritoryKind.DELEGATED_COMMUNE, TerritoryKind.ASSOCIATED_COMMUNE]


class ProjectKind(models.TextChoices):
    PETR = "petr", _("PETR (pôle d'équilibre territorial et rural)")
    PNR = "pnr", _("PNR (parc naturel régional)")
    PAYS = "pays", _("Pays")
    OTHER = "autre", _("autre regroupement")


EPCI_TYPES = {
    "CC": _("communauté de communes"),
    "CA": _("communauté d'agglomération"),
    "CU": _("communauté urbaine"),
    "ME": _("métropole"),
    "MET69": _("métropole de Lyon"),
}
