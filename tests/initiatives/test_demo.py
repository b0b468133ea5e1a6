import yaml

from territoires.initiatives.demo import CONTENT, load_demo_commons
from territoires.initiatives.enums import InitiativeStatus
from territoires.initiatives.models import Initiative, Milestone, Verbatim
from territoires.territories import cog

# What the demo says against its documents (quotations, dates, numbers, statuses,
# territories) is checked in test_demo_sources.py, which needs the seed documents.


def _content():
    return yaml.safe_load(CONTENT.read_text(encoding="utf-8"))


def _references(content):
    for section in ("portraits", "initiatives", "verbatims"):
        for item in content.get(section, []):
            yield item["territory"]


def test_every_demo_territory_exists_in_the_official_registry():
    content = _content()
    registry = {(row.kind, row.code) for row in cog.read_registry().rows}
    missing = [
        ref
        for ref in _references(content)
        if ref["kind"] != "projet" and (ref["kind"], ref["code"]) not in registry
    ]
    assert missing == []


def test_every_item_cites_a_declared_seed_document():
    content = _content()
    sources = {str(key) for key in content["sources"]}
    for section in ("portraits", "initiatives", "verbatims"):
        for item in content[section]:
            assert str(item["source"]) in sources, item


def test_fields_fit_the_models():
    content = _content()
    too_long = []
    for model, section, names in [
        (Initiative, "initiatives", ["title", "summary", "territory_note", "programme"]),
        (Verbatim, "verbatims", ["speaker_name", "speaker_role", "context"]),
        (Milestone, None, ["title"]),
    ]:
        items = (
            content[section]
            if section
            else [m for portrait in content["portraits"] for m in portrait.get("milestones", [])]
        )
        for item in items:
            for name in names:
                limit = model._meta.get_field(name).max_length
                if len(item.get(name) or "") > limit:
                    too_long.append(f"{name} > {limit}: {item[name]}")
    too_long += [
        f"tags > 300: {item['title']}"
        for item in content["initiatives"]
        if len(", ".join(item.get("tags") or [])) > 300
    ]
    too_long += [v["text"] for v in content["verbatims"] if len(v["text"]) > 300]
    assert too_long == []


def test_links_point_to_initiatives_of_the_demo_on_the_same_territory():
    """Nothing links to an initiative that was left out of the demo."""
    content = _content()
    territory_of = {item["title"]: item["territory"] for item in content["initiatives"]}
    assert len(territory_of) == len(content["initiatives"])  # titles are unique
    for verbatim in content["verbatims"]:
        if verbatim.get("initiative"):
            assert territory_of[verbatim["initiative"]] == verbatim["territory"], verbatim
    for portrait in content["portraits"]:
        for milestone in portrait.get("milestones", []):
            for title in milestone.get("initiatives") or []:
                assert territory_of[title] == portrait["territory"], title


def test_statuses_are_unknown_unless_given():
    assert Initiative._meta.get_field("status").default == InitiativeStatus.UNKNOWN
    content = _content()
    given = [item for item in content["initiatives"] if item.get("status") != "unknown"]
    assert all(item.get("status_evidence") for item in given)
    load_demo_commons()
    statuses = dict(Initiative.objects.values_list("title", "status"))
    for item in content["initiatives"]:
        if item["title"] in statuses:
            assert statuses[item["title"]] == item["status"], item["title"]
    assert statuses["PACT² : rendre transmissible l’expérience pionnière de Mouans-Sartoux"] == (
        InitiativeStatus.UNKNOWN
    )


def test_demo_loads_idempotently_on_the_sample_registry():
    content = _content()
    first = load_demo_commons()
    assert first["skipped"] > 0  # the sample registry holds only a few départements
    # Every item is either loaded or skipped for want of its territory.
    assert first["portraits"] + first["initiatives"] + first["verbatims"] + first["skipped"] == (
        len(content["portraits"]) + len(content["initiatives"]) + len(content["verbatims"])
    )
    second = load_demo_commons()
    assert second["initiatives"] == second["verbatims"] == second["milestones"] == 0
    assert Initiative.objects.published().count() == first["initiatives"]
    assert Verbatim.objects.count() == first["verbatims"]


def test_demo_milestones_link_their_initiatives():
    load_demo_commons()
    milestone = Milestone.objects.get(territory__code="06084", title="Publication de PACT²")
    assert [initiative.title for initiative in milestone.initiatives.all()] == [
        "PACT² : rendre transmissible l’expérience pionnière de Mouans-Sartoux"
    ]
