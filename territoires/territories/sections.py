"""What the registry contributes to a territory's portrait (its figures and outline, its
members) and to the atlas (project territories)."""

import hashlib

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from territoires.core import atlas, portrait
from territoires.territories import outline, selectors
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import Territory

# Drawings are kept by what they are drawn from (the outlines' bytes): a new import that
# changes a geometry changes the key, and nothing else has to forget them.
DRAWING_SECONDS = 30 * 24 * 3600


def _facts(territory, user) -> dict:
    """The figures, and the outline drawn as an SVG with its members' borders: one query
    (the territory's and its members' outlines)."""
    members = Territory.objects.members_of(territory).values("pk")
    rows = Territory.objects.filter(Q(pk=territory.pk) | Q(pk__in=members)).values_list(
        "pk", "shape__wkb"
    )
    own, member_shapes = None, []
    for pk, wkb in rows:
        if pk == territory.pk:
            own = wkb
        else:
            member_shapes.append(wkb)
    context = {"member_count": len(member_shapes), "drawing": None, "atlas_view": ""}
    if own is None or territory.bbox is None:
        return context
    context["drawing"] = _drawing(bytes(own), [bytes(w) for w in member_shapes if w])
    context["atlas_view"] = outline.atlas_view(*territory.bbox)
    return context


def _drawing(own: bytes, members: list[bytes]) -> outline.Drawing | None:
    digest = hashlib.blake2b(own, digest_size=16)
    for wkb in sorted(members):
        digest.update(len(wkb).to_bytes(4, "big"))
        digest.update(wkb)
    key = f"territories:outline:{outline.VERSION}:{digest.hexdigest()}"
    drawing = cache.get(key)
    if drawing is None:
        drawing = outline.draw(own, members)
        cache.set(key, drawing, DRAWING_SECONDS)
    return drawing


def _members(territory, user) -> dict:
    members = list(selectors.members_of(territory))
    return {"members": members, "member_count": len(members)}


def _projects(filters) -> dict[int, dict]:
    projects = Territory.objects.filter(kind=TerritoryKind.PROJECT).annotate(
        members=Count("project_members")
    )
    return {pk: {"members": members} for pk, members in projects.values_list("pk", "members")}


def register():
    atlas.layers.register(
        atlas.AtlasLayer(
            name="projects",
            label=_("Territoires de projet"),
            description=_("PETR, parcs naturels régionaux, Pays… dessinés d'après leurs membres."),
            order=50,
            territories=_projects,
            shape=atlas.OUTLINE,
        )
    )
    portrait.sections.register(
        portrait.PortraitSection(
            name="registre", order=20, template="territories/sections/facts.html", load=_facts
        )
    )
    portrait.sections.register(
        portrait.PortraitSection(
            name="membres", order=80, template="territories/sections/members.html", load=_members
        )
    )
