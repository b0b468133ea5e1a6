"""Loads the demo actors built from the seed documents (demo/content.yaml), idempotently.

Runs after the commons' demo (`load_demo`): the contacts point at its initiatives, and are
skipped with them when a partial registry leaves them out.
"""

from pathlib import Path

import yaml
from django.db import transaction

from territoires.actors.models import Category, Organisation, Person, Relation
from territoires.initiatives.models import Initiative, InitiativeContact

CONTENT = Path(__file__).parent / "demo" / "content.yaml"


def _source(content, organisation_or_relation) -> str:
    return content["sources"][str(organisation_or_relation["source"])]["title"]


@transaction.atomic
def load_demo_actors(path: Path = CONTENT) -> dict:
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    counts = {"organisations": 0, "people": 0, "contacts": 0, "relations": 0, "skipped": 0}
    organisations = {}
    for item in content["organisations"]:
        source = _source(content, item)
        if item.get("end_note"):
            source = f"{source} ; {item['end_note']}"
        category = (
            Category.objects.filter(slug=item["category"]).first() if item["category"] else None
        )
        organisation, created = Organisation.objects.update_or_create(
            name=item["name"],
            defaults={
                "kind": item["kind"],
                "category": category,
                "description": item["description"],
                "ended": item["ended"],
                "source": source,
            },
        )
        organisation.full_clean()
        organisations[item["key"]] = organisation
        counts["organisations"] += created
        for person in item["people"]:
            _person, created = Person.objects.update_or_create(
                organisation=organisation,
                name=person["name"],
                defaults={"role": person["role"], "team_role": person["team_role"]},
            )
            counts["people"] += created
    for item in content["contacts"]:
        initiative = Initiative.objects.filter(title=item["initiative"]).first()
        if initiative is None:
            counts["skipped"] += 1
            continue
        _contact, created = InitiativeContact.objects.get_or_create(
            initiative=initiative,
            organisation=organisations[item["organisation"]],
            defaults={"role": item["role"]},
        )
        counts["contacts"] += created
    for item in content["relations"]:
        relation, created = Relation.objects.get_or_create(
            source_organisation=organisations[item["from"]],
            target_organisation=organisations[item["to"]],
            kind=item["kind"],
            defaults={
                "started_on": item["started_on"],
                "ended_on": item["ended_on"],
                "source": _source(content, item),
            },
        )
        relation.full_clean()
        counts["relations"] += created
    return counts
