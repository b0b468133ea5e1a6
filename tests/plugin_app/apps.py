"""A test-only app that contributes to the four registries, as a new app would: a
portrait section, a kind of search document with a facet, trajectory items and an atlas
layer — for Mouans-Sartoux, from data of its own (no model: the seam is the point)."""

from django.apps import AppConfig

MOUANS = "06084"
NOTES = [
    # (year, phase, text): a made-up trajectory, for this test only
    (2031, "vision", "Plugin : une vision de test"),
    (1999, "past", "Plugin : un jalon de test"),
]


def mouans():
    from territoires.territories.models import Territory

    return Territory.objects.filter(kind="commune", code=MOUANS).first()


def _documents():
    from territoires.core.search import Document

    territory = mouans()
    if territory is None:
        return []
    return [
        Document(
            kind="plugin-note",
            object_id=territory.pk,
            title="Note du greffon de test",
            body="Un carnet de bord venu d'une application branchée.",
            url=territory.get_absolute_url(),
            published=True,
            territory_id=territory.pk,
            facets={"plugin_moods": ("curieux",)},
        )
    ]


def _section(territory, user):
    return {"note": "Section du greffon de test"} if territory.code == MOUANS else {"note": ""}


def _entries(territory, user):
    from territoires.core.trajectory import TrajectoryEntry

    if territory.code != MOUANS:
        return []
    return [
        TrajectoryEntry(year, phase, "plugin_app/entry.html", {"text": text})
        for year, phase, text in NOTES
    ]


def _layer(filters):
    territory = mouans()
    return {territory.pk: {"notes": len(NOTES)}} if territory else {}


class PluginAppConfig(AppConfig):
    name = "tests.plugin_app"
    label = "plugin_app"

    def ready(self):
        from territoires.core import atlas, portrait, search, trajectory

        portrait.sections.register(
            portrait.PortraitSection(
                name="greffon", order=85, template="plugin_app/section.html", load=_section
            )
        )
        search.kinds.register(
            search.SearchKind("plugin-note", "Note", "Notes", order=95, documents=_documents)
        )
        search.facets.register(
            search.SearchFacet(
                "plugin_moods",
                "humeur",
                "Humeur",
                choices=lambda: [("curieux", "curieux")],
                order=95,
            )
        )
        trajectory.sources.register(
            trajectory.TrajectorySource(name="plugin", order=90, load=_entries)
        )
        atlas.layers.register(
            atlas.AtlasLayer(name="plugin", label="Couche du greffon", order=90, territories=_layer)
        )
