"""Loads the demo commons built from the seed documents (demo/content.yaml), idempotently.

Every item cites its document; nothing is invented (see demo/README.md): an item whose
document states no status is loaded with the status unknown.
"""

from datetime import date
from pathlib import Path

import yaml
from django.db import transaction

from territoires.initiatives import services
from territoires.initiatives.enums import InitiativeStatus, PublicationState
from territoires.initiatives.models import (
    Initiative,
    InitiativeResult,
    Milestone,
    Portrait,
    Theme,
    Verbatim,
)
from territoires.territories.models import Territory
from territoires.territories.services.projects import save_project_territory

CONTENT = Path(__file__).parent / "demo" / "content.yaml"


class DemoContentError(Exception):
    pass


def _source(sources, key):
    """The document's title: what a visitor reads (its file name tells them nothing)."""
    return sources[str(key)]["title"]


def _territory(reference: dict) -> Territory:
    if reference["kind"] == "projet":
        project, _created = save_project_territory(
            name=reference["name"],
            member_codes=reference["members"],
            subkind="autre",
            code=Territory.objects.filter(kind="projet", name=reference["name"])
            .values_list("code", flat=True)
            .first(),
        )
        return project
    territory = Territory.objects.filter(kind=reference["kind"], code=reference["code"]).first()
    if territory is None:
        raise DemoContentError(f"territoire inconnu : {reference['kind']} {reference['code']}")
    return territory


def _territory_or_none(reference: dict, counts: dict) -> Territory | None:
    """A partial registry (tests, a single département) skips what it does not hold."""
    try:
        return _territory(reference)
    except DemoContentError:
        counts["skipped"] += 1
        return None


@transaction.atomic
def load_demo_commons(path: Path = CONTENT) -> dict:
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = {str(key): value for key, value in content["sources"].items()}
    counts = {"portraits": 0, "milestones": 0, "initiatives": 0, "verbatims": 0, "skipped": 0}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    links = []  # (milestone, titles of the initiatives it links to), once they are loaded

    for item in content.get("portraits", []):
        territory = _territory_or_none(item["territory"], counts)
        if territory is None:
            continue
        if not Portrait.objects.filter(territory=territory).exclude(presentation="").exists():
            services.set_presentation(
                territory, item["intro"], source=_source(sources, item["source"])
            )
        counts["portraits"] += 1
        for milestone in item.get("milestones", []):
            step, created = Milestone.objects.get_or_create(
                territory=territory,
                title=milestone["title"],
                defaults={
                    "year": milestone.get("year"),
                    "phase": milestone["phase"],
                    "text": milestone.get("text", ""),
                    "state": PublicationState.PUBLISHED,
                    "source": _source(sources, milestone.get("source", item["source"])),
                },
            )
            counts["milestones"] += created
            links.append((step, milestone.get("initiatives") or []))

    by_title = {}
    for item in content.get("initiatives", []):
        initiative = Initiative.objects.filter(title=item["title"]).first()
        if initiative is None:
            territory = _territory_or_none(item["territory"], counts)
            if territory is None:
                continue
            initiative = Initiative(
                title=item["title"],
                territory=territory,
                territory_note=item.get("territory_note") or "",
                summary=item["summary"].strip(),
                body=(item.get("body") or "").strip(),
                status=item.get("status") or InitiativeStatus.UNKNOWN,
                start_year=item.get("start_year"),
                end_year=item.get("end_year"),
                levers=item.get("levers") or [],
                fundamentals=item.get("fundamentals") or [],
                programme=item.get("programme") or "",
                tags=", ".join(item.get("tags") or []),
                source=_source(sources, item["source"]),
                state=PublicationState.PUBLISHED,
            )
            services.save_initiative(
                initiative, themes=[themes[slug] for slug in item.get("themes") or []]
            )
            for result in item.get("results") or []:
                InitiativeResult.objects.create(
                    initiative=initiative,
                    text=result["text"],
                    value=result.get("value"),
                    unit=result.get("unit") or "",
                    year=result.get("year"),
                    source=_source(sources, result.get("source", item["source"])),
                )
            counts["initiatives"] += 1
        by_title[initiative.title] = initiative
    for step, titles in links:
        step.initiatives.add(*(by_title[title] for title in titles if title in by_title))

    for item in content.get("verbatims", []):
        if Verbatim.objects.filter(text=item["text"].strip()).exists():
            continue
        territory = _territory_or_none(item["territory"], counts)
        if territory is None:
            continue
        said_on = item.get("date")
        verbatim = Verbatim(
            text=item["text"].strip(),
            speaker_name=item.get("speaker_name") or "",
            consent_to_name=bool(item.get("consent_to_name")),
            speaker_role=item["speaker_role"],
            category=item["category"],
            said_on=date.fromisoformat(str(said_on)) if said_on else None,
            context=item.get("context") or "",
            territory=territory,
            initiative=by_title.get(item.get("initiative") or ""),
            source=_source(sources, item["source"]),
            state=PublicationState.PUBLISHED,
        )
        if not verbatim.consent_to_name:
            verbatim.speaker_name = ""
        services.save_verbatim(verbatim)
        counts["verbatims"] += 1
    return counts
