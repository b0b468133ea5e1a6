"""What the controversies log contributes to the portrait: its published summaries."""

from territoires.controversies import selectors
from territoires.controversies.models import Controversy
from territoires.core import portrait, versions


def _load(territory, user):
    return {"controversies": selectors.published_summaries(territory)}


def register():
    portrait.sections.register(
        portrait.PortraitSection(
            name="controverses",
            order=75,
            template="controversies/sections/controversies.html",
            load=_load,
            edit_permission="controversies.edit_controversies",
        )
    )
    # The section shows the published summaries only: no part of a controversy is in it.
    versions.watch(Controversy, versions.TERRITORY, lambda item: [item.territory_id])
