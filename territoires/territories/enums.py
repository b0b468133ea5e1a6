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


class PopulationBand(models.TextChoices):
    """Bands of population: a facet of the search, a measure of comparable territories."""

    UNDER_2000 = "<2000", _("moins de 2 000 hab.")
    FROM_2000 = "2000-10000", _("2 000 à 10 000 hab.")
    FROM_10000 = "10000-50000", _("10 000 à 50 000 hab.")
    FROM_50000 = "50000-200000", _("50 000 à 200 000 hab.")
    OVER_200000 = ">200000", _("plus de 200 000 hab.")

    @classmethod
    def of(cls, population: int | None) -> str:
        """1999 -> '<2000', 2000 -> '2000-10000'; unknown -> ''."""
        if population is None:
            return ""
        floors = ((200_000, cls.OVER_200000), (50_000, cls.FROM_50000), (10_000, cls.FROM_10000))
        for floor, band in floors:
            if population >= floor:
                return band.value
        return (cls.FROM_2000 if population >= 2000 else cls.UNDER_2000).value
