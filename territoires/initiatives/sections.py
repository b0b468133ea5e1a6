"""What the commons contributes to the pages that compose the apps: the portrait's
sections, the trajectory's milestones, a layer of the atlas; and what their caches
depend on."""

from django.utils.translation import gettext_lazy as _

from territoires.core import atlas, portrait, trajectory, versions
from territoires.initiatives import selectors
from territoires.initiatives.models import (
    EDIT_PORTRAIT,
    Initiative,
    KeyFigure,
    Milestone,
    Photo,
    Portrait,
    Theme,
    Verbatim,
    Video,
)

MILESTONE_TEMPLATE = "initiatives/partials/milestone.html"


def _milestone_entries(territory, user) -> list[trajectory.TrajectoryEntry]:
    return [
        trajectory.TrajectoryEntry(
            year=milestone.year,
            phase=milestone.phase,
            template=MILESTONE_TEMPLATE,
            context={"item": milestone},
            tiebreak=(milestone.pk,),
        )
        for milestone in selectors.milestones(territory, user)
    ]


def _can_check(territory, user) -> bool:
    return user.has_perm("initiatives.check_content", territory)


def _portrait(territory, user):
    return {"portrait": selectors.portrait_of(territory), "can_check": _can_check(territory, user)}


SECTIONS = [
    # (name: the section's id and edit address, order, template, load, options)
    ("photo", 0, "initiatives/sections/hero.html", _portrait, {"region": "top"}),
    ("presentation", 10, "initiatives/sections/presentation.html", _portrait, {}),
    (
        "chiffres",
        25,
        "initiatives/sections/key_figures.html",
        lambda territory, user: {"key_figures": selectors.key_figures(territory)},
        {},
    ),
    (
        "jalons",
        30,
        "initiatives/sections/trajectory.html",
        lambda territory, user: {"entries": trajectory.entries(territory, user)},
        {},
    ),
    (
        "verbatims",
        40,
        "initiatives/sections/verbatims.html",
        lambda territory, user: {
            "verbatims": selectors.verbatims(territory, user),
            "can_check": _can_check(territory, user),
        },
        {},
    ),
    (
        "videos",
        50,
        "initiatives/sections/videos.html",
        lambda territory, user: {"videos": selectors.videos(territory)},
        {},
    ),
    (
        "initiatives",
        60,
        "initiatives/sections/initiatives.html",
        lambda territory, user: {"initiatives": selectors.initiatives(territory, user)},
        {},
    ),
    (
        "similaires",
        90,
        "initiatives/sections/similar.html",
        lambda territory, user: {"similar": selectors.similar_territories(territory, limit=4)},
        # Other territories' initiatives change it: a short cache of its own (selectors).
        {"cached": False},
    ),
]


def register():
    for name, order, template, load, options in SECTIONS:
        portrait.sections.register(
            portrait.PortraitSection(
                name=name,
                order=order,
                template=template,
                load=load,
                edit_permission=EDIT_PORTRAIT,
                **options,
            )
        )
    trajectory.sources.register(
        trajectory.TrajectorySource(name="milestones", order=10, load=_milestone_entries)
    )
    atlas.layers.register(
        atlas.AtlasLayer(
            name="documented",
            label=_("Territoires documentés"),
            description=_("Une présentation ou des initiatives publiées dans les communs."),
            order=10,
            territories=selectors.documented_territories,
            filters=("themes", "levers"),
        )
    )
    for model in (Initiative, Verbatim, Milestone, Photo, Video, Portrait, KeyFigure):
        versions.watch(model, versions.TERRITORY, lambda item: [item.territory_id])
    versions.watch(
        Milestone.initiatives.through, versions.TERRITORY, lambda item: [item.territory_id]
    )
    # Themes are set from the initiative's side (forms, services); the instance is then it.
    versions.watch(
        Initiative.themes.through,
        versions.TERRITORY,
        lambda item: [getattr(item, "territory_id", None)],
    )
    versions.watch(Theme, versions.SHARED, lambda theme: [0])
