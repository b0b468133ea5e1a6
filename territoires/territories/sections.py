"""What the registry contributes to a territory's portrait: its figures and outline, its
members."""

from territoires.core import portrait
from territoires.territories import selectors


def _facts(territory, user) -> dict:
    return {"member_count": selectors.members_of(territory).count()}


def _members(territory, user) -> dict:
    members = list(selectors.members_of(territory))
    return {"members": members, "member_count": len(members)}


def register():
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
