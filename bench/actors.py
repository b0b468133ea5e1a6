"""Benchmark of the actors' network metrics and CSV import, printed as Markdown.

    python bench/actors.py [--quick]

1. A generated territory of 2,000 actors and 10,000 relations (seeded; clustered: an actor
   relates to its own category four times in five, and a few hubs per category draw more
   relations, as agencies and the local authority do). `network.analyse` then
   `network.gaps` against the 44 categories of seed 003 and the five team roles, cold:
   nothing is kept between runs (each run builds its graph from the dataclasses). Floors
   measured in the same run: building the rustworkx graph alone, and the exact betweenness
   alone on that graph (the one computation that cannot be avoided).
2. A generated 10,000-row relations CSV (UTF-8 with BOM, `;`) parsed by
   `tabular.parse_relations` with names and kinds checked; floor: `csv.reader` alone over
   the same bytes (decoded). Then 10,000 organisations and 10,000 people likewise.

Median of 7 runs (3 with --quick), with min–max; in each run the measured steps are taken
in turn, so that a floor meets the same load as what it is the floor of. Nothing is
written. The data is synthetic (« acteur 17 »): it says nothing about any territory.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rustworkx as rx  # noqa: E402

from territoires.actors import network, tabular  # noqa: E402

SEED = 20260613
ACTORS = 2_000
RELATIONS = 10_000
ISOLATED = 20  # actors nobody relates to, as in a fresh mapping
ROWS = 10_000
TARGET_NETWORK_S = 0.5
TARGET_IMPORT_S = 5.0
# Seed 003's leaf categories (territoires/actors/migrations/0002_seed_categories.py): keys
# only, the bench needs no labels.
CATEGORIES = [
    "elus",
    "collectivite-porteuse",
    "municipalites-partenaires",
    "territoires-de-projet",
    "departement-region",
    "etat",
    "union-europeenne",
    "ademe",
    "ale",
    "qualite-air",
    "eie",
    "caue",
    "bailleurs-sociaux",
    "agences-urbanisme",
    "services-eau-energie-dechets",
    "fournisseurs-energie",
    "promoteurs",
    "btp",
    "architectes",
    "urbanistes",
    "transports",
    "agriculteurs",
    "medias",
    "formation",
    "culture",
    "patrimoine-loisirs",
    "entreprises",
    "artisans",
    "commercants",
    "banquiers",
    "chercheurs",
    "enseignants",
    "chambres-consulaires",
    "syndicats-professionnels",
    "syndicats-patronaux-salaries",
    "unions-commercants",
    "zones-industrielles",
    "zones-commerciales",
    "hlm-batiments-publics",
    "habitants",
    "associations-citoyens",
    "associations-environnement",
    "associations-culturelles",
    "jeunesse",
]
TEAM_ROLES = ("elu", "agent", "etat", "socio_economique", "habitant")
KINDS = ("coopere", "finance", "membre", "conseille", "represente", "fournit")


def generate_network(rng: random.Random):
    # Category sizes skewed (a few big ones, many small, some absent): Zipf-like weights.
    present = CATEGORIES[:-4]
    weights = [1 / (rank + 1) for rank in range(len(present))]
    actors = []
    connected = ACTORS - ISOLATED
    for i in range(connected):
        category = rng.choices(present, weights)[0]
        role = rng.choice(TEAM_ROLES[:-1]) if rng.random() < 0.2 else None
        actors.append(network.Actor(i, f"acteur {i}", category, role))
    by_category: dict[str, list[int]] = {}
    for actor in actors:
        by_category.setdefault(actor.category, []).append(actor.id)
    # Hubs: the first tenth of each category draws relations more often.
    links = []
    for _ in range(RELATIONS):
        source = rng.randrange(connected)
        own = by_category[actors[source].category]
        pool = own if rng.random() < 0.8 and len(own) > 1 else by_category[rng.choice(present)]
        hubs = pool[: max(1, len(pool) // 10)]
        target = rng.choice(hubs if rng.random() < 0.3 else pool)
        links.append(network.Link(source, target, rng.choice(KINDS)))
    for i in range(connected, ACTORS):
        actors.append(network.Actor(i, f"acteur {i}", rng.choice(present)))
    return actors, links


def relations_csv(rng: random.Random, names: list[str]) -> bytes:
    rows = []
    for _ in range(ROWS):
        source, target = rng.sample(names, 2)
        start = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randrange(9000))
        rows.append(
            tabular.RelationRow(source, rng.choice(KINDS), target, start, None, "synthétique")
        )
    return tabular.write_relations(rows)


def organisations_csv(names: list[str]) -> bytes:
    rows = [
        tabular.OrganisationRow(
            name,
            category=CATEGORIES[i % len(CATEGORIES)],
            siren="210600847",
            website="https://exemple.fr",
            territories=("06084", "200039915"),
            source="synthétique",
        )
        for i, name in enumerate(names)
    ]
    return tabular.write_organisations(rows)


def people_csv(rng: random.Random, names: list[str]) -> bytes:
    rows = [
        tabular.PersonRow(
            f"personne {i}",
            rng.choice(names),
            "chargée de mission",
            rng.choice(TEAM_ROLES),
            f"p{i}@exemple.fr",
            "04 93 75 75 16",
            name_public=bool(i % 2),
        )
        for i in range(ROWS)
    ]
    return tabular.write_people(rows)


def interleaved(functions: list, runs: int) -> list[list[float]]:
    """Times of each function, run in turn (A B C A B C…): the machine's load varies, and
    a floor is only comparable when measured beside what it is the floor of."""
    times = [[] for _ in functions]
    for _ in range(runs):
        for function, bucket in zip(functions, times, strict=True):
            started = time.perf_counter()
            function()
            bucket.append(time.perf_counter() - started)
    return times


def cell(times: list[float]) -> str:
    return (
        f"{statistics.median(times) * 1000:.0f} ({min(times) * 1000:.0f}–{max(times) * 1000:.0f})"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 7")
    runs = 3 if parser.parse_args(argv).quick else 7
    rng = random.Random(SEED)
    actors, links = generate_network(rng)
    expected = [network.ExpectedCategory(key) for key in CATEGORIES]

    def build_graph():
        index = {actor.id: position for position, actor in enumerate(actors)}
        graph = rx.PyGraph(multigraph=False)
        graph.add_nodes_from(range(len(actors)))
        graph.add_edges_from_no_data([(index[link.source], index[link.target]) for link in links])
        return graph

    graph = build_graph()

    def betweenness_alone():
        rx.graph_betweenness_centrality(graph, normalized=True)

    findings = []

    def metrics_and_gaps():
        result = network.analyse(actors, links)
        findings[:] = network.gaps(result, expected, TEAM_ROLES, links=links)

    labels = (
        "rustworkx graph alone (floor)",
        "exact betweenness alone (floor)",
        "`analyse` + `gaps` (cold)",
    )
    times = interleaved([build_graph, betweenness_alone, metrics_and_gaps], runs)
    rows = list(zip(labels, times, strict=True))
    names = [f"organisation {i}" for i in range(ACTORS)]
    files = {
        "relations": relations_csv(rng, names),
        "organisations": organisations_csv([f"organisation {i}" for i in range(ROWS)]),
        "people": people_csv(rng, names),
    }
    kinds = {kind: kind for kind in KINDS}
    roles = {role: role for role in TEAM_ROLES}
    parsers = {
        "relations": lambda data: tabular.parse_relations(data, organisations=names, kinds=kinds),
        "organisations": lambda data: tabular.parse_organisations(data),
        "people": lambda data: tabular.parse_people(data, organisations=names, team_roles=roles),
    }
    csv_rows = []
    for label, data in files.items():
        parsed = parsers[label](data)
        assert parsed.ok and len(parsed.rows) == ROWS, parsed.problems[:3]

        def floor(data=data):
            for _row in csv.reader(
                io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"
            ):
                pass

        floor_times, parse_times = interleaved(
            [floor, lambda data=data, label=label: parsers[label](data)], runs
        )
        csv_rows.append((label, len(data), floor_times, parse_times))

    counts = {}
    for finding in findings:
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
    result = network.analyse(actors, links)
    print(f"## Actors: network and CSV import ({datetime.date.today().isoformat()})\n")
    print(
        f"Python {platform.python_version()}, rustworkx {rx.__version__}, "
        f"{os.cpu_count()} CPU, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"median of {runs} runs (min–max), milliseconds.\n"
    )
    print(
        f"Network: {len(actors)} actors, {len(links)} relations ({result.relations} distinct, "
        f"{result.edges} pairs), {len(result.components)} components, "
        f"{len(result.isolated)} isolated; findings: "
        + ", ".join(f"{count} {kind}" for kind, count in counts.items())
        + ".\n"
    )
    betweenness_floor = statistics.median(rows[1][1])
    print("| step | ms | ratio to betweenness alone | target |")
    print("|---|---:|---:|---|")
    for label, times in rows:
        ratio = statistics.median(times) / betweenness_floor
        target = f"≤ {TARGET_NETWORK_S * 1000:.0f} ms" if "cold" in label else ""
        print(f"| {label} | {cell(times)} | {ratio:.2f} | {target} |")
    print()
    print(
        "| CSV, 10,000 rows | bytes | `csv.reader` alone (floor), ms | parse and check, ms "
        "| ratio | target |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for label, size, floor_times, parse_times in csv_rows:
        ratio = statistics.median(parse_times) / statistics.median(floor_times)
        print(
            f"| {label} | {size:,} | {cell(floor_times)} | {cell(parse_times)} | {ratio:.1f} "
            f"| ≤ {TARGET_IMPORT_S:.0f} s |"
        )


if __name__ == "__main__":
    main()
