from pathlib import Path

import yaml

from territoires.initiatives.demo import CONTENT, load_demo_commons
from territoires.initiatives.models import Initiative, Milestone, Verbatim
from territoires.territories import cog

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _references(content):
    for section in ("portraits", "initiatives", "verbatims"):
        for item in content.get(section, []):
            yield item["territory"]


def test_every_demo_territory_exists_in_the_official_registry():
    content = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    registry = {(row.kind, row.code) for row in cog.read_registry().rows}
    missing = [
        ref
        for ref in _references(content)
        if ref["kind"] != "projet" and (ref["kind"], ref["code"]) not in registry
    ]
    assert missing == []


def test_every_item_cites_a_declared_seed_document():
    content = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    sources = {str(key) for key in content["sources"]}
    for section in ("portraits", "initiatives", "verbatims"):
        for item in content[section]:
            assert str(item["source"]) in sources, item


def test_verbatims_are_exact_quotations_of_their_document():
    content = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    if not SEEDS.exists():
        return  # the seeds live beside the repository, not in it
    # The seeds are Markdown: emphasis marks are not part of the words.
    texts = {
        key: " ".join((SEEDS / value["file"]).read_text(encoding="utf-8").replace("*", "").split())
        for key, value in content["sources"].items()
    }
    for verbatim in content["verbatims"]:
        assert " ".join(verbatim["text"].split()) in texts[str(verbatim["source"])], verbatim[
            "text"
        ]


def test_demo_loads_idempotently_on_the_sample_registry():
    first = load_demo_commons()
    assert first["skipped"] > 0  # the sample registry holds only a few départements
    second = load_demo_commons()
    assert second["initiatives"] == second["verbatims"] == 0
    assert Initiative.objects.published().count() == first["initiatives"]
    assert Verbatim.objects.count() == first["verbatims"]


def test_demo_milestones_link_their_initiatives():
    load_demo_commons()
    milestone = Milestone.objects.get(territory__code="06084", title="Exploré par PACT²")
    assert [initiative.title for initiative in milestone.initiatives.all()] == [
        "PACT² : rendre transmissible l’expérience pionnière de Mouans-Sartoux"
    ]
