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

3. The whole import service, `services.import_actors`, on a throwaway SQLite database (in
   a subprocess, Django reads its settings once): 10,000 organisations, 10,000 people and
   10,000 relations in one call (parse, match, check, write, history; the search index of
   the organisations is a task, run at once here and timed apart), then the same files
   again (everything matched, nothing written); floor: a raw `bulk_create` of the same
   30,000 rows in one transaction. The rows are deleted between runs (not timed).
4. On the same database, the network of 1. written for the territory, and its gaps page
   served to a reader once the analysis is kept; floor: the privacy page, same client.

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
import subprocess
import sys
import tempfile
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
TARGET_GAPS_PAGE_S = 0.3
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


# --- The whole import service (a subprocess with Django) -------------------------------

RESULT_PREFIX = "BENCH-RESULT "


def service_files(rng: random.Random) -> dict[str, bytes]:
    names = [f"organisation {i}" for i in range(ROWS)]
    organisations = tabular.write_organisations(
        tabular.OrganisationRow(
            name,
            category=CATEGORIES[i % len(CATEGORIES)],
            kind="association",
            website="https://exemple.fr",
            description="synthétique",
            territories=("06084",),
            source="synthétique",
        )
        for i, name in enumerate(names)
    )
    return {
        "organisations": organisations,
        "personnes": people_csv(rng, names),
        "relations": relations_csv(rng, names),
    }


def worker_service(runs: int) -> None:
    import json

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from territoires.actors import search_documents, services
    from territoires.actors.models import Category, Organisation, Person, Relation
    from territoires.core.models import SearchDocument
    from territoires.territories.models import Territory

    call_command("migrate", verbosity=0, interactive=False)
    territory = Territory.objects.create(
        kind="commune", code="06084", name="Mouans-Sartoux", slug="mouans-sartoux"
    )
    files = service_files(random.Random(SEED))

    def clear():  # without signals: the history and the index of deletions are not measured
        for model in (Relation, Person, Organisation.territories.through, Organisation):
            model.objects.all()._raw_delete("default")
        SearchDocument.objects.filter(kind="organisation")._raw_delete("default")

    first, again, floor, index = [], [], [], []
    reindex = search_documents._reindex

    def timed_reindex(pks):
        started = time.perf_counter()
        reindex(pks)
        index.append(time.perf_counter() - started)

    search_documents._reindex = timed_reindex
    counts = {}
    for _ in range(runs):
        started = time.perf_counter()
        report = services.import_actors(territory, files)
        first.append(time.perf_counter() - started - index[-1])
        assert report.ok, report.problems[:3]
        counts = report.created
        started = time.perf_counter()
        report = services.import_actors(territory, files)
        again.append(time.perf_counter() - started)
        assert report.ok and not report.changed
        clear()
        categories = list(Category.objects.all())
        started = time.perf_counter()
        with transaction.atomic():
            organisations = Organisation.objects.bulk_create(
                [
                    Organisation(name=f"organisation {i}", category=categories[i % 40])
                    for i in range(ROWS)
                ],
                batch_size=500,
            )
            Person.objects.bulk_create(
                [
                    Person(organisation=organisations[i], name=f"personne {i}", role="r")
                    for i in range(ROWS)
                ],
                batch_size=500,
            )
            Relation.objects.bulk_create(
                [
                    Relation(
                        source_organisation=organisations[i],
                        target_organisation=organisations[i - 1],
                        kind="coopere",
                        source="s",
                    )
                    for i in range(ROWS)
                ],
                batch_size=500,
            )
        floor.append(time.perf_counter() - started)
        clear()
    sizes = {name: len(data) for name, data in files.items()}
    result = {"first": first, "again": again, "floor": floor, "index": index}
    result.update(counts=counts, sizes=sizes, **gaps_page(territory, runs))
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def gaps_page(territory, runs: int) -> dict:
    """The gaps page of the generated network (2,000 actors, 10,000 relations) served to a
    reader of the territory once its analysis is kept, against a page of the same site that
    reads nothing of the actors (the privacy page), both through Django's test client."""
    from django.db import transaction
    from django.test import Client

    from territoires.accounts.models import Membership, User
    from territoires.actors.models import Category, Organisation, Relation

    actors, links = generate_network(random.Random(SEED))
    categories = {category.slug: category for category in Category.objects.all()}
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(name=actor.label, category=categories[actor.category])
                for actor in actors
            ],
            batch_size=500,
        )
        Organisation.territories.through.objects.bulk_create(
            [
                Organisation.territories.through(organisation=item, territory=territory)
                for item in organisations
            ],
            batch_size=500,
        )
        Relation.objects.bulk_create(
            [
                Relation(
                    source_organisation=organisations[link.source],
                    target_organisation=organisations[link.target],
                    kind=link.kind,
                    source="synthétique",
                )
                for link in links
                if link.source != link.target
            ],
            batch_size=500,
        )
    user = User.objects.create_user(email="lectrice@exemple.fr", password="x" * 20)
    Membership.objects.create(user=user, territory=territory, role="reader")
    client = Client(SERVER_NAME="localhost")  # an allowed host of the settings
    client.force_login(user)
    url = f"/territoires/commune/{territory.code}-{territory.slug}/acteurs/manques/"
    # A network this large is analysed by a task (run at once here, when the first visit
    # enqueues it): that visit says « calcul en cours », the next one shows the findings.
    started = time.perf_counter()
    for _ in range(3):
        page = client.get(url)
        if b"4 Fantastiques" in page.content:
            break
    computed = time.perf_counter() - started
    assert page.status_code == 200 and b"4 Fantastiques" in page.content, page.status_code
    floor, served = interleaved(
        [lambda: client.get("/confidentialite/"), lambda: client.get(url)], max(runs, 5)
    )
    return {"gaps_first": [computed], "gaps_floor": floor, "gaps_served": served}


def service_import(runs: int) -> dict:
    import json

    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "TERRITOIRES_DEBUG")
        }
        env.update(
            TERRITOIRES_DATA_DIR=data_dir,
            TERRITOIRES_LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="territoires.settings",
            TERRITOIRES_TASKS="immediate",
        )
        completed = subprocess.run(
            [sys.executable, __file__, "--worker-service", str(runs)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
    line = next(x for x in completed.stdout.splitlines() if x.startswith(RESULT_PREFIX))
    return json.loads(line[len(RESULT_PREFIX) :])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 7")
    parser.add_argument("--worker-service", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.worker_service:
        worker_service(arguments.worker_service)
        return
    runs = 3 if arguments.quick else 7
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
    service = service_import(runs)
    floor = statistics.median(service["floor"])
    print()
    print(
        "Whole service, `services.import_actors` on SQLite: "
        + ", ".join(f"{count:,} {name}" for name, count in service["counts"].items())
        + " ("
        + ", ".join(f"{size:,} bytes" for size in service["sizes"].values())
        + ").\n"
    )
    print("| step | ms | ratio to raw bulk_create | target |")
    print("|---|---:|---:|---|")
    for label, key, target in (
        ("raw `bulk_create` of the 30,000 rows (floor)", "floor", ""),
        ("import, everything new", "first", f"≤ {TARGET_IMPORT_S:.0f} s"),
        ("same files again, nothing to write", "again", f"≤ {TARGET_IMPORT_S:.0f} s"),
        ("search index of the 10,000 organisations (a task, apart)", "index", ""),
    ):
        times = service[key]
        print(f"| {label} | {cell(times)} | {statistics.median(times) / floor:.1f} | {target} |")
    print()
    print(
        "The gaps page of the generated network (2,000 actors, 10,000 relations), a reader "
        "of the territory, Django's test client on the same SQLite database:\n"
    )
    print("| page | ms | ratio to the privacy page | target |")
    print("|---|---:|---:|---|")
    page_floor = statistics.median(service["gaps_floor"])
    for label, key, target in (
        ("privacy page (floor)", "gaps_floor", ""),
        ("gaps page, first visits (analysis computed and kept)", "gaps_first", ""),
        ("gaps page, once computed", "gaps_served", f"≤ {TARGET_GAPS_PAGE_S * 1000:.0f} ms"),
    ):
        times = service[key]
        ratio = statistics.median(times) / page_floor
        print(f"| {label} | {cell(times)} | {ratio:.1f} | {target} |")


# The graph page in Chromium (`--graph`): the network above drawn by the site's own script
# and Cytoscape.js, served from a temporary folder; time from navigation to the first frame
# after the script says the graph is ready (layout done, drawn, events bound): interactive.
# Floor: the same page fetching and parsing the same JSON and doing nothing else.
TARGET_GRAPH_S = 1.5
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
GRAPH_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<link rel="stylesheet" href="actors-network.css"></head><body>
<div class="network-graph" data-actors-network data-url="data.json"></div>
<script>
document.addEventListener("network:nodes", () => requestAnimationFrame(() =>
  requestAnimationFrame(() => { window.__nodes = performance.now(); })));
document.addEventListener("network:ready", () => requestAnimationFrame(() =>
  requestAnimationFrame(() => { window.__ready = performance.now(); })));
</script>
<script src="cytoscape.min.js" defer></script><script src="actors-network.js" defer></script>
</body></html>"""
FLOOR_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body><script>
fetch("data.json").then((r) => r.json()).then((data) => requestAnimationFrame(() =>
  requestAnimationFrame(() => { window.__ready = performance.now(); })));
</script></body></html>"""


MARKS = """() => Object.fromEntries(performance.getEntriesByType("mark")
  .map((mark) => [mark.name, mark.startTime]))"""


def graph_json(actors, links) -> dict:
    result = network.analyse(actors, links)
    palette = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
    groups = {key: palette[n % len(palette)] for n, key in enumerate(CATEGORIES)}
    return {
        "nodes": [
            {
                "id": str(actor.id),
                "label": actor.label,
                "group": actor.category,
                "colour": groups[actor.category],
                "betweenness": result.metrics[actor.id].betweenness,
                "url": "#",
            }
            for actor in result.actors
        ],
        "edges": [
            {"source": str(link.source), "target": str(link.target), "kind": link.kind}
            for link in links
        ],
        "kinds": [{"key": kind, "label": kind, "colour": "#4D4D4D"} for kind in KINDS],
    }


def graph_main(runs: int) -> None:
    import functools
    import http.server
    import json
    import shutil
    import tempfile
    import threading

    from playwright.sync_api import sync_playwright

    rng = random.Random(SEED)
    actors, links = generate_network(rng)
    static = Path(__file__).resolve().parents[1] / "territoires" / "static"
    vendor = sorted((static / "vendor").glob("cytoscape-*.min.js"))[-1]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copy(vendor, root / "cytoscape.min.js")
        shutil.copy(static / "js" / "actors-network.js", root)
        shutil.copy(static / "css" / "actors-network.css", root)
        (root / "data.json").write_text(json.dumps(graph_json(actors, links)))
        (root / "graph.html").write_text(GRAPH_PAGE)
        (root / "floor.html").write_text(FLOOR_PAGE)

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        handler = functools.partial(Quiet, directory=folder)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        times = {"floor.html": [], "graph.html": []}
        marks = []
        nodes_first = []  # the actors drawn and interactive, their relations still to come
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _run in range(runs):
                for name, found in times.items():
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    page = context.new_page()
                    page.goto(base + name)
                    page.wait_for_function("() => window.__ready !== undefined", timeout=60_000)
                    found.append(page.evaluate("() => window.__ready") / 1000)
                    if name == "graph.html":
                        marks.append(page.evaluate(MARKS))
                        nodes_first.append(page.evaluate("() => window.__nodes") / 1000)
                    context.close()
            version = browser.version
            browser.close()
        server.shutdown()
    size = (len(actors), len(links))
    print(f"## Actors: the network graph in Chromium ({datetime.date.today().isoformat()})\n")
    print(
        f"Chromium {version} headless (SwiftShader), Cytoscape.js {vendor.name.split('-')[1].removesuffix('.min.js')}, "
        f"{size[0]} actors, {size[1]} relations, {os.cpu_count()} CPU, load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; median of {runs} runs (min–max), "
        "ms from navigation.\n"
    )
    floor = statistics.median(times["floor.html"])
    print("| page | ms | ratio to the floor | target |")
    print("|---|---:|---:|---|")
    print(f"| fetch and parse the JSON alone (floor) | {cell(times['floor.html'])} | 1.0 | |")
    ratio = statistics.median(times["graph.html"]) / floor
    print(
        f"| actors drawn and interactive, relations to come | {cell(nodes_first)} "
        f"| {statistics.median(nodes_first) / floor:.1f} | ≤ {TARGET_GRAPH_S * 1000:.0f} ms |"
    )
    print(f"| graph complete, relations drawn | {cell(times['graph.html'])} | {ratio:.1f} | |")
    steps = [
        ("data fetched and parsed", 0.0, "actors-network:data"),
        (
            "Cytoscape built with the actors (elements, style, layout)",
            "actors-network:data",
            "actors-network:built",
        ),
        ("relations added", "actors-network:built", "actors-network:edges"),
    ]
    print()
    for label, start, end in steps:
        spans = [(m[end] - (m[start] if start else 0)) / 1000 for m in marks]
        print(f"- {label}: {cell(spans)} ms")
    spans = [
        (t * 1000 - m["actors-network:edges"]) / 1000
        for t, m in zip(times["graph.html"], marks, strict=True)
    ]
    print(f"- first frames drawn: {cell(spans)} ms")


if __name__ == "__main__":
    if "--graph" in sys.argv:
        graph_main(3 if "--quick" in sys.argv else 7)
    else:
        main()
