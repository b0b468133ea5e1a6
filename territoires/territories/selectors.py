"""Named read queries of the registry."""

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from territoires.territories.enums import HISTORICAL_KINDS, TerritoryKind
from territoires.territories.models import Territory
from territoires.territories.normalize import looks_like_code, search_key

SEARCH_FIELDS = [
    "pk",
    "kind",
    "code",
    "name",
    "slug",
    "subkind",
    "population",
    "postcodes",
    "departement__code",
    "departement__name",
]


def search_territories(query: str, *, limit: int = 10, kinds=None) -> list[Territory]:
    """Territories whose name (any word start) or code or postcode matches, best first.

    Best means: exact name, then names starting with the query, then names with a word
    starting with it; current territories before historical ones; most populous first.
    """
    query = (query or "").strip()
    if not query:
        return []
    territories = Territory.objects.select_related("departement")
    if kinds:
        territories = territories.filter(kind__in=kinds)
    if looks_like_code(query):
        code = query.replace(" ", "").upper()
        matches = territories.filter(Q(code__startswith=code) | Q(postcodes__contains=code))
        exact = Q(code=code)
    else:
        key = search_key(query)
        if not key:
            return []
        matches = territories.filter(
            Q(search_key__startswith=key) | Q(search_key__contains=" " + key)
        )
        exact = Q(search_key=key)
        matches = matches.annotate(
            closeness=Case(
                When(exact, then=Value(0)),
                When(search_key__startswith=key, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
    if "closeness" not in matches.query.annotations:
        matches = matches.annotate(
            closeness=Case(
                When(exact, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
    matches = matches.annotate(
        historical=Case(
            When(kind__in=HISTORICAL_KINDS, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    ordered = matches.order_by(
        "closeness", "historical", F("population").desc(nulls_last=True), "name", "pk"
    )
    return list(ordered[:limit])


def territory_by_code(kind: str, code: str) -> Territory | None:
    return (
        Territory.objects.select_related("region", "departement", "epci", "commune")
        .filter(kind=kind, code=code.upper())
        .first()
    )


def territory_or_404(kind: str, code: str) -> Territory:
    """The territory an address names (pages and API alike), or a French 404."""
    related = Territory.objects.select_related("region", "departement", "epci", "commune")
    return _found_or_404(related, kind, code)


def territory_key_or_404(kind: str, code: str) -> Territory:
    """The same, with nothing but what identifies it: a page served from a cache needs no
    more."""
    return _found_or_404(Territory.objects.only("pk", "kind", "code", "slug"), kind, code)


def _found_or_404(territories, kind: str, code: str) -> Territory:
    known = kind in TerritoryKind.values
    found = territories.filter(kind=kind, code=code.upper()).first() if known else None
    if found is None:
        raise Http404(
            _("Aucun territoire %(kind)s de code %(code)s.") % {"kind": kind, "code": code}
        )
    return found


def members_of(territory: Territory):
    return (
        Territory.objects.members_of(territory)
        .only("kind", "code", "name", "slug", "population", "subkind")
        .order_by("name", "code")
    )


def count_by_kind() -> dict[str, int]:
    rows = Territory.objects.values_list("kind").annotate(n=Count("pk")).order_by()
    # Underscores, so that templates can read counts.commune_deleguee.
    return {kind.replace("-", "_"): count for kind, count in rows}
