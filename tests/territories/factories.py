"""Territories of the imported sample (tests/fixtures)."""

from territoires.territories.enums import TerritoryKind
from territoires.territories.models import Territory


def commune(code: str) -> Territory:
    return Territory.objects.get(kind=TerritoryKind.COMMUNE, code=code)


def territory(kind: str, code: str) -> Territory:
    return Territory.objects.get(kind=kind, code=code)
