"""Named read queries of the registry."""

import math
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Abs
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from territoires.territories.enums import HISTORICAL_KINDS
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


def members_of(territory: Territory):
    return (
        Territory.objects.members_of(territory)
        .only("kind", "code", "name", "slug", "population", "subkind")
        .order_by("name", "code")
    )


def count_by_kind() -> dict[str, int]:
    from django.db.models import Count

    rows = Territory.objects.values_list("kind").annotate(n=Count("pk")).order_by()
    # Underscores, so that templates can read counts.commune_deleguee.
    return {kind.replace("-", "_"): count for kind, count in rows}


@dataclass
class Similar:
    territory: Territory
    score: float
    reasons: list[str]

    @property
    def reason_text(self):
        return ", ".join(self.reasons)


def _themes_by_territory(territory_ids) -> dict[int, set[str]]:
    from territoires.initiatives.models import Initiative

    themes = defaultdict(set)
    rows = (
        Initiative.objects.published()
        .filter(territory_id__in=territory_ids, themes__isnull=False)
        .values_list("territory_id", "themes__slug")
    )
    for territory_id, slug in rows:
        themes[territory_id].add(slug)
    return themes


def similar_territories(territory: Territory, limit: int = 6, pool: int = 150) -> list[Similar]:
    """Territories like this one: same kind, comparable population and density, shared
    themes of initiatives, same région first; each with the reasons, in words.

    Cached a few minutes: the portrait shows it on every visit."""
    if territory.population is None:
        return []
    key = f"similar:{territory.pk}:{limit}:{pool}"
    cached = cache.get(key)
    if cached is None:
        cached = _similar_territories(territory, limit, pool)
        cache.set(key, cached, 300)
    return cached


def _similar_territories(territory: Territory, limit: int, pool: int) -> list[Similar]:
    low, high = territory.population / 3, territory.population * 3
    candidates = list(
        Territory.objects.filter(kind=territory.kind, population__range=(low, high))
        .exclude(pk=territory.pk)
        .only("kind", "code", "name", "slug", "population", "area_km2", "region_id")
        .annotate(
            same_region=Case(
                When(region_id=territory.region_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-same_region", Abs(F("population") - territory.population))[:pool]
    )
    themes = _themes_by_territory([territory.pk, *(c.pk for c in candidates)])
    own_themes = themes.get(territory.pk, set())
    results = [
        _score(territory, candidate, own_themes, themes.get(candidate.pk, set()))
        for candidate in candidates
    ]
    results.sort(key=lambda similar: (-similar.score, similar.territory.name))
    return results[:limit]


def _closeness(a, b) -> float:
    """1 when equal, 0 at a factor of 3 or more."""
    if not a or not b:
        return 0.0
    return max(0.0, 1 - abs(math.log(a / b)) / math.log(3))


def _score(territory, candidate, own_themes, their_themes) -> Similar:
    reasons = [str(_("même type"))]
    population = _closeness(territory.population, candidate.population)
    density = _closeness(territory.density, candidate.density)
    shared = own_themes & their_themes
    score = population + density + 1.5 * len(shared) + 0.3 * bool(their_themes)
    if population >= 0.6:
        reasons.append(str(_("population comparable")))
    if density >= 0.6:
        reasons.append(str(_("densité comparable")))
    if shared:
        reasons.append(
            str(
                ngettext("%(n)d thème en commun", "%(n)d thèmes en commun", len(shared))
                % {"n": len(shared)}
            )
        )
    if territory.region_id and candidate.region_id == territory.region_id:
        score += 1
        reasons.append(str(_("même région")))
    return Similar(candidate, score, reasons)
