"""Read queries of the commons, always filtered by what the user may see."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, Exists, F, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Abs, Coalesce
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from territoires.initiatives.models import (
    Initiative,
    KeyFigure,
    Milestone,
    Portrait,
    Verbatim,
    Video,
)
from territoires.territories.models import Territory


def portrait_of(territory) -> Portrait | None:
    return Portrait.objects.filter(territory=territory).select_related("hero_photo").first()


def key_figures(territory) -> list[KeyFigure]:
    return list(KeyFigure.objects.filter(territory=territory))


def milestones(territory, user) -> list[Milestone]:
    linked = Initiative.objects.visible_to(user, territory).order_by("title")
    return list(
        Milestone.objects.visible_to(user, territory)
        .in_territory(territory)
        .select_related("photo")
        .prefetch_related(Prefetch("initiatives", linked, to_attr="visible_initiatives"))
    )


def verbatims(territory, user) -> list[Verbatim]:
    return list(
        Verbatim.objects.visible_to(user, territory)
        .in_territory(territory)
        .select_related("initiative")
    )


def videos(territory) -> list[Video]:
    return list(Video.objects.filter(territory=territory, initiative__isnull=True))


def initiatives(territory, user) -> list[Initiative]:
    return list(
        Initiative.objects.visible_to(user, territory)
        .in_territory(territory)
        .prefetch_related("themes")
        .order_by("title")
    )


def visible_initiative(slug, user):
    initiative = (
        Initiative.objects.select_related("territory__region", "territory__departement")
        .prefetch_related(
            "themes", "results", "contacts__organisation", "resources", "videos", "photos"
        )
        .filter(slug=slug)
        .first()
    )
    if initiative is None:
        return None
    if initiative.is_published or user.has_perm("initiatives.edit_portrait", initiative.territory):
        return initiative
    return None


def documented_territories(filters: dict[str, tuple[str, ...]]) -> dict[int, dict]:
    """Territories with a presentation or published initiatives, and how many of those;
    narrowed by theme or lever, the territories with such initiatives."""
    initiatives = Initiative.objects.published()
    if filters.get("themes"):
        initiatives = initiatives.filter(themes__slug__in=filters["themes"])
    levers = filters.get("levers")
    found: dict[int, dict] = defaultdict(lambda: {"initiatives": 0})
    if not filters.get("themes") and not levers:
        for territory_id in Portrait.objects.exclude(presentation="").values_list(
            "territory_id", flat=True
        ):
            found[territory_id]["portrait"] = 1
    rows = initiatives.values_list("pk", "territory_id", "levers").distinct()
    counted = defaultdict(set)
    for pk, territory_id, their_levers in rows:
        # Levers are a JSON list: read in Python, the same on both databases.
        if not levers or set(levers) & set(their_levers or ()):
            counted[territory_id].add(pk)
    for territory_id, pks in counted.items():
        found[territory_id]["initiatives"] = len(pks)
    return dict(found)


def is_documented(territory) -> bool:
    """Whether the commons hold anything published about the territory (one query)."""
    published = {
        "has_presentation": Portrait.objects.filter(territory=territory).exclude(presentation=""),
        "has_initiatives": Initiative.objects.published().in_territory(territory),
        "has_verbatims": Verbatim.objects.published().in_territory(territory),
        "has_milestones": Milestone.objects.published().in_territory(territory),
    }
    found = Territory.objects.filter(pk=territory.pk).annotate(
        **{name: Exists(rows) for name, rows in published.items()}
    )
    return any(found.values_list(*published).first() or ())


CHECKED_KINDS = {"initiative": Initiative, "verbatim": Verbatim, "portrait": Portrait}


def checkable(kind: str, pk: int):
    """A published initiative, words or portrait that someone may vouch for, or None."""
    model = CHECKED_KINDS.get(kind)
    if model is None:
        return None
    items = model.objects.select_related("territory")
    if model is not Portrait:
        items = items.published()
    return items.filter(pk=pk).first()


@dataclass
class Due:
    kind: str
    item: Initiative | Verbatim | Portrait
    since: object  # the last check, or the writing of what was never checked


def due_for_check(limit: int = 200) -> list[Due]:
    """Published content nobody checked for `settings.CHECK_MONTHS` (Checked.check_due),
    the longest waiting first: the curators' queue."""
    since = timezone.now() - timedelta(days=round(settings.CHECK_MONTHS * 30.44))
    portraits = Portrait.objects.exclude(presentation="").annotate(
        written=Coalesce("presentation_edited_at", "updated_at")
    )
    sources = {
        "initiative": Initiative.objects.published().annotate(written=F("created_at")),
        "verbatim": Verbatim.objects.published().annotate(written=F("created_at")),
        "portrait": portraits,
    }
    found = []
    for kind, items in sources.items():
        due = items.filter(
            Q(checked_at__lt=since) | Q(checked_at__isnull=True, written__lt=since)
        ).select_related("territory", "checked_by")
        found += [Due(kind, item, item.checked_at or item.written) for item in due[:limit]]
    return sorted(found, key=lambda due: due.since)[:limit]


def latest_initiatives(limit: int) -> list[Initiative]:
    return list(
        Initiative.objects.published().select_related("territory").order_by("-updated_at")[:limit]
    )


def latest_verbatims(limit: int) -> list[Verbatim]:
    return list(
        Verbatim.objects.published().select_related("territory").order_by("-created_at")[:limit]
    )


def portraits(limit: int) -> list[Portrait]:
    """Portraits with a presentation, the most documented first (initiatives published)."""
    published = Count("territory__initiatives", filter=Q(territory__initiatives__state="published"))
    return list(
        Portrait.objects.exclude(presentation="")
        .select_related("territory")
        .annotate(initiative_count=published)
        .order_by("-initiative_count", "territory__name")[:limit]
    )


# --- Similar territories ------------------------------------------------------------------


@dataclass
class Similar:
    territory: Territory
    score: float
    reasons: list[str]

    @property
    def reason_text(self):
        return ", ".join(self.reasons)


def _themes_by_territory(territory_ids) -> dict[int, set[str]]:
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
    key = f"similar:{get_language()}:{territory.pk}:{limit}:{pool}"
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
