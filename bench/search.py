"""Benchmark of the search engine of the commons, printed as Markdown.

    python -m bench.search [--quick] [--postgres]

A generated corpus (100,000 initiative-like documents, 10,000 with --quick) is indexed into
a throwaway database: SQLite in a temporary folder, and with --postgres also a PostgreSQL
database `territoires_bench_search`, created and dropped here. The text is generated from
a French vocabulary of the transition (energy, food, mobility…), every title starts with
"[synthétique]": it is never shown in the product and says nothing about any territory.

Measured, per backend:
1. indexing: `index_documents()` for the whole corpus (analysis, upserts, triggers);
2. the facet table (`search.facet_table`, loaded once per version of the index): its
   load alone, and a first search just after a write to the index, which reloads it;
3. about thirty realistic queries, with and without filters, pages 1 and 5, and browsing
   without text: the latency of `search()` (total, page, the eight facets counted exactly,
   hits and snippets: nothing of it is cached between calls);
4. for each query with words, the engine's raw full-text query alone for the same terms
   (FTS5 MATCH ORDER BY bm25 LIMIT 20 / @@ to_tsquery ORDER BY ts_rank LIMIT 20): the
   ratio says what the interface costs over the engine (filters, facets, hits, snippets).

Django reads its settings once, so each backend runs in a subprocess of this one; progress
goes to stderr, the report to stdout.
"""

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "BENCH-RESULT "
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "territoires_bench_search"
TARGET_P95_MS = 50.0
# A search matching this share of the published documents or more is "broad".
BROAD_SHARE = 0.05
SUMMARY_LABELS = {
    "text": "searches with words",
    "narrow": "… whose words match < 5 % of the documents",
    "broad": "… whose words match ≥ 5 % of the documents",
    "browse": "browsing without text",
    "table": "loading the facet table (once per version of the index)",
    "after_write": "first search after a write (« énergie », the table reloaded)",
}
SEED = 20240611

# --- The synthetic corpus --------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


# theme -> (words of the whole theme, topics: what one initiative is precisely about)
THEMES = {
    "energie": (
        "énergie énergies renouvelable renouvelables production consommation électricité",
        [
            "centrale centrales photovoltaïque photovoltaïques panneaux solaire solaires "
            "toitures ombrières autoconsommation onduleurs",
            "éolien éolienne éoliennes parc mât vent riverains pales",
            "méthanisation méthaniseur biogaz digestat effluents injection gaz",
            "réseau chaleur chaufferie bois granulés plaquettes forestières",
            "sobriété éclairage public extinction nocturne économies factures",
            "géothermie pompes forages sondes",
            "hydroélectricité microcentrale moulin turbine seuil",
            "coopérative citoyenne actionnaires parts souscription épargne",
        ],
    ),
    "alimentation": (
        "alimentation alimentaire agriculture agricole producteurs local locaux",
        [
            "cantine cantines restauration collective repas cuisiniers menus bio "
            "biologique végétarien",
            "maraîchage maraîcher maraîchers légumes serres installation",
            "circuits courts marché marchés épicerie vente directe AMAP paniers",
            "projet alimentaire territorial gouvernance diagnostic filières",
            "gaspillage invendus dons banque solidaire",
            "élevage abattoir fromagerie lait prairies pâturage",
            "semences vergers céréales meunerie boulangerie pain",
        ],
    ),
    "mobilite": (
        "mobilité mobilités déplacements transport transports trajets",
        [
            "vélo vélos piste pistes cyclable cyclables stationnement atelier",
            "covoiturage autopartage voiture voitures partagée application",
            "bus navette navettes ligne lignes horaires transport solidaire",
            "train gare gares pôle intermodalité rabattement",
            "marche piétons rue apaisée zone trente pédibus",
            "électrique bornes recharge véhicules flotte",
        ],
    ),
    "habitat_renovation": (
        "habitat logement logements rénovation rénovations bâtiment bâtiments",
        [
            "isolation thermique énergétique passoires audit chauffage",
            "paille chanvre terre crue matériaux biosourcés construction artisans",
            "écoquartier quartier habitat participatif coopératif",
            "centre-bourg vacance réhabilitation commerces friche",
            "copropriété copropriétés syndic accompagnement propriétaires",
        ],
    ),
    "economie_circulaire_dechets": (
        "déchets économie circulaire tri collecte prévention",
        [
            "compost compostage composteurs biodéchets jardin",
            "réemploi ressourcerie recyclerie réparation repair café objets",
            "zéro plastique emballages consigne verre vrac",
            "redevance incitative déchèterie encombrants tarification",
            "textiles vêtements friperie couture",
        ],
    ),
    "eau": (
        "eau eaux ressource rivière rivières",
        [
            "zones humides marais tourbières restauration",
            "sécheresse nappe nappes irrigation économies",
            "eau potable captage captages protection qualité",
            "pluie pluviales désimperméabilisation cours récupérateurs",
            "continuité écologique ruisseau berges seuils poissons",
            "assainissement station épuration phytoépuration",
        ],
    ),
    "biodiversite_foncier": (
        "biodiversité nature espèces foncier",
        [
            "haies haie bocage plantation arbres",
            "friches friche renaturation désartificialisation",
            "zéro artificialisation nette sobriété foncière urbanisme",
            "atlas inventaire naturalistes sciences participatives",
            "pollinisateurs abeilles ruches prairies fleuries",
            "forêt forêts sylviculture futaie",
            "jardins partagés potager potagers vergers",
        ],
    ),
    "economie_emploi": (
        "économie emploi emplois entreprises activité",
        [
            "monnaie locale complémentaire commerçants billets",
            "tiers-lieu tiers-lieux coworking fablab atelier",
            "insertion chômeurs longue durée territoire zéro",
            "économie sociale solidaire coopérative SCIC",
            "artisans filière filières formation apprentissage",
        ],
    ),
    "gouvernance_democratie": (
        "citoyens citoyenne citoyennes habitants participation démocratie gouvernance",
        [
            "budget participatif votes projets",
            "assemblée convention jury citoyen tirage sort",
            "conseil participatif comité pilotage charte",
            "concertation consultation réunion publique",
            "coopération intercommunale élus agents",
        ],
    ),
    "culture_education": (
        "éducation culture jeunes enfants sensibilisation",
        [
            "école écoles élèves classe enseignants",
            "médiathèque festival spectacle théâtre exposition",
            "patrimoine histoire mémoire visites",
            "collège lycée éco-délégués",
            "ateliers animation découverte nature",
        ],
    ),
}
GENERAL = _words(
    """transition écologique territoire territoires commune communes projet projets
    action actions démarche initiative initiatives collectif collectivité collectivités
    acteurs partenaires association associations ville village intercommunalité département
    région climat changement résilience durable durables développement plan stratégie
    objectif objectifs accompagnement expérimentation dynamique ambition trajectoire année
    années mise œuvre création lancement soutien programme étude bilan résultats équipe
    services public publics réunion calendrier financement subvention appel budget maire
    adjoint conseil municipal délibération partenariat convention chantier travaux premier
    première nouvelle nouveau ensemble pilote réussite difficultés leviers"""
)
STOP = _words(
    """le la les de des du un une et à au aux en dans pour par sur avec qui que est sont
    a ont leur leurs ce cette ces son sa ses plus sans sous entre vers chez comme aussi
    mais ou donc puis ainsi"""
)
LEVERS = ["epargner", "financer_investir", "produire_consommer"]
FUNDAMENTALS = ["engagement", "cooperation", "systemique", "evaluation"]
REGIONS = _words("01 02 03 04 06 11 24 27 28 32 44 52 53 75 76 84 93 94")
TERRITORY_KINDS = ["commune", "epci", "departement", "region", "projet"]
TERRITORY_KIND_WEIGHTS = [55, 25, 8, 4, 8]
# Shares of a body's words: stop words, words of its themes, of its topics, general ones.
WORD_SHARES = (0.50, 0.12, 0.26, 0.12)


def _cumulative_zipf(count: int, exponent: float) -> list[float]:
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += 1 / rank**exponent
        cumulative.append(total)
    return cumulative


class CorpusGenerator:
    """Deterministic bag-of-words documents about one or a few themes and a topic or two.

    Within each list words are drawn with Zipf frequencies: a few common words, a long
    tail, and specific words ("méthanisation") only in the documents of their topic.
    """

    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.general_weights = _cumulative_zipf(len(GENERAL), 0.3)

    def _draw(self, words: list[str], count: int, exponent: float = 1.0) -> list[str]:
        if not count or not words:
            return []
        weights = _cumulative_zipf(len(words), exponent)
        return self.rng.choices(words, cum_weights=weights, k=count)

    def _body_words(self, theme_words, topic_words, count: int) -> list[str]:
        stop, theme, topic, _general = (round(share * count) for share in WORD_SHARES)
        general = count - stop - theme - topic
        picked = [
            *self.rng.choices(STOP, k=stop),
            *self._draw(theme_words, theme),
            *self._draw(topic_words, topic, 0.6),
            *self.rng.choices(GENERAL, cum_weights=self.general_weights, k=general),
        ]
        self.rng.shuffle(picked)
        return picked

    def _sentences(self, words: list[str]) -> str:
        sentences, position = [], 0
        while position < len(words):
            length = self.rng.randint(8, 20)
            sentence = " ".join(words[position : position + length])
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
            position += length
        return " ".join(sentences)

    def document(self, object_id: int):
        from territoires.core.search import Document

        rng = self.rng
        themes = rng.sample(list(THEMES), rng.choices((1, 2, 3), (50, 35, 15))[0])
        theme_words = [word for theme in themes for word in _words(THEMES[theme][0])]
        topics = rng.sample(THEMES[themes[0]][1], rng.choices((1, 2), (70, 30))[0])
        if len(themes) > 1 and rng.random() < 0.3:
            topics.append(rng.choice(THEMES[themes[1]][1]))
        topic_words = [word for topic in topics for word in _words(topic)]
        title_words = self._draw(topic_words, 3, 0.6) + self._draw(theme_words, 2)
        start = rng.randint(1995, 2025)
        return Document(
            kind="initiative",
            object_id=object_id,
            title="[synthétique] " + " ".join(dict.fromkeys(title_words)).capitalize(),
            body=self._sentences(self._body_words(theme_words, topic_words, rng.randint(50, 150))),
            url=f"/synthetique/{object_id}/",
            published=rng.random() < 0.92,
            territory_kind=rng.choices(TERRITORY_KINDS, TERRITORY_KIND_WEIGHTS)[0],
            region_code=rng.choice(REGIONS),
            population=int(10 ** rng.uniform(2, 6.4)),
            themes=tuple(themes),
            levers=tuple(rng.sample(LEVERS, rng.choices((0, 1, 2), (30, 50, 20))[0])),
            fundamentals=tuple(rng.sample(FUNDAMENTALS, rng.randint(1, 2))),
            start_year=start,
            end_year=None if rng.random() < 0.4 else min(2025, start + rng.randint(0, 8)),
        )

    def documents(self, count: int):
        return (self.document(object_id) for object_id in range(1, count + 1))


# What people look for in a commons of the transition: one to four words, with or without
# accents, some typed partly, some with filters; pages 1 and 5; browsing without text.
QUERIES = [
    ("énergie", {}),
    ("énergies renouvelables", {}),
    ("centrales photovoltaïques", {}),
    ("centrales photovoltaiques", {"page": 5}),
    ("méthanisation", {}),
    ("cantine bio", {}),
    ("circuits courts producteurs locaux", {}),
    ("vélo", {}),
    ("pistes cyclables", {"regions": ("84",)}),
    ("covoiturage", {"territory_kinds": ("commune",)}),
    ("rénovation énergétique des logements", {}),
    ("isolation paille", {}),
    ("compostage", {"themes": ("economie_circulaire_dechets",)}),
    ("ressourcerie réemploi", {}),
    ("zones humides", {}),
    ("haies bocage", {"population_bands": ("<2000",)}),
    ("monnaie locale", {}),
    ("tiers-lieu", {}),
    ("budget participatif", {"period_from": 2015, "period_to": 2020}),
    ("jury citoyen tirage au sort", {}),
    ("école sensibilisation", {"page": 5}),
    ("transition écologique", {}),
    ("photovolt", {}),
    ("rénov", {"themes": ("habitat_renovation",), "regions": ("93",)}),
    ("sécheresse eau potable", {"levers": ("epargner",)}),
    ("énergie", {"themes": ("energie",), "regions": ("11",), "page": 5}),
    ("friches renaturation", {"fundamentals": ("systemique",)}),
    ("", {}),
    ("", {"themes": ("mobilite",)}),
    ("", {"regions": ("84",), "population_bands": ("10000-50000",), "page": 5}),
]


# --- Measuring, inside a Django process ------------------------------------------------


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _timed(function, repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_backend(documents: int, repeats: int) -> dict:
    """Migrate the throwaway database, index the corpus, measure the queries."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from territoires.core import search, text
    from territoires.core.models import SearchDocument
    from territoires.core.search import SearchQuery

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    _progress(f"[{vendor}] generating then indexing {documents:,} documents…")
    corpus = list(CorpusGenerator().documents(documents))
    started = time.perf_counter()
    search.index_documents(corpus)
    indexing_seconds = time.perf_counter() - started
    del corpus
    # What the database does by itself soon after a bulk import, done now so that it does
    # not run during the measures: statistics for the planner; on SQLite the write-ahead
    # log folded back into the database file, on PostgreSQL the autovacuum pass.
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("VACUUM (ANALYZE) core_searchdocument")
    backend = search._backend()
    samples = {name: [] for name in SUMMARY_LABELS}
    published = search.search(SearchQuery(per_page=1)).total
    year = datetime.date.today().year
    samples["table"] = _timed(lambda: search._load_facet_table(year), max(3, repeats // 2))
    broad = SearchQuery(text="énergie")
    written = SearchDocument.objects.filter(published=True).order_by("id").first()
    for _ in range(max(3, repeats // 2)):
        # Any write changes the version of the index (synthetic documents' popularity is 0).
        SearchDocument.objects.filter(pk=written.pk).update(popularity=0)
        samples["after_write"].extend(_timed(lambda: search.search(broad), 1))
    rows = []
    for label, filters in QUERIES:
        query = SearchQuery(text=label, **filters)
        words = text.parse_query(label)
        results = search.search(query)  # warms the caches of the database
        timings = _timed(lambda query=query: search.search(query), repeats)
        raw = _timed(lambda words=words: backend.raw_query(words), repeats) if words else None
        samples["text" if words else "browse"].extend(timings)
        if words:
            # What costs is what the words match, before the filters narrow it down.
            matched = search.search(SearchQuery(text=label)).total
            samples["broad" if matched >= BROAD_SHARE * published else "narrow"].extend(timings)
        rows.append(
            {
                "query": label,
                "filters": filters,
                "total": results.total,
                "p50": statistics.median(timings),
                "max": max(timings),
                "raw_p50": statistics.median(raw) if raw else None,
            }
        )
        _progress(f"[{vendor}] {label or '(browse)'} {filters}: {rows[-1]['p50']:.1f} ms")
    return {
        "vendor": vendor,
        "server": _server_version(connection),
        "documents": documents,
        "published": published,
        "indexing_seconds": indexing_seconds,
        "repeats": repeats,
        "queries": rows,
        "summary": {
            name: {
                "p50": statistics.median(values),
                "p95": _percentile(values, 0.95),
                "max": max(values),
            }
            for name, values in samples.items()
            if values
        },
    }


def _server_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


# --- Orchestrating, outside Django -----------------------------------------------------


def run_worker(backend: str, documents: int, repeats: int) -> dict:
    """One backend in a subprocess with its own settings; returns its measurements."""
    with tempfile.TemporaryDirectory(prefix="territoires-bench-search-") as data_dir:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "territoires.settings",
            "TERRITOIRES_DATA_DIR": data_dir,
            "PYTHONPATH": str(ROOT),
        }
        environment.pop("DATABASE_URL", None)
        if backend == "postgresql":
            environment["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
        command = [
            sys.executable,
            "-m",
            "bench.search",
            "--worker",
            "--documents",
            str(documents),
            "--repeats",
            str(repeats),
        ]
        completed = subprocess.run(
            command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True, check=False
        )
    if completed.returncode:
        raise RuntimeError(f"the {backend} run failed (exit status {completed.returncode})")
    line = next(line for line in completed.stdout.splitlines() if line.startswith(RESULT_PREFIX))
    return json.loads(line.removeprefix(RESULT_PREFIX))


def _postgres(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def _milliseconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _describe(row: dict) -> str:
    text = f"« {row['query']} »" if row["query"] else "(sans texte)"
    filters = ", ".join(
        f"{name}={'/'.join(map(str, value)) if isinstance(value, list | tuple) else value}"
        for name, value in row["filters"].items()
    )
    return f"{text} {filters}".strip()


def report(results: list[dict]) -> str:
    lines = ["# Search benchmark", ""]
    lines.append(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU, Python "
        f"{platform.python_version()}. Latencies in milliseconds, in-process `search()` "
        f"calls with the facet table loaded (nothing else is kept between calls: total, "
        f"page and the eight facets are computed at every call)."
    )
    for result in results:
        lines += ["", f"## {result['server']}", ""]
        lines.append(
            f"{result['documents']:,} synthetic documents ({result['published']:,} "
            f"published), indexed in {result['indexing_seconds']:.1f} s "
            f"({result['documents'] / result['indexing_seconds']:,.0f} documents/s). "
            f"Each query run {result['repeats']} times."
        )
        lines += [
            "",
            "| query | matches | p50 | max | raw engine p50 | ratio |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for row in result["queries"]:
            ratio = f"{row['p50'] / row['raw_p50']:.1f}×" if row["raw_p50"] else "–"
            lines.append(
                f"| {_describe(row)} | {row['total']:,} | {_milliseconds(row['p50'])} | "
                f"{_milliseconds(row['max'])} | {_milliseconds(row['raw_p50'])} | {ratio} |"
            )
        summary = result["summary"]
        ratios = [row["p50"] / row["raw_p50"] for row in result["queries"] if row["raw_p50"]]
        lines += [
            "",
            "| calls | p50 | p95 | max |",
            "|---|---:|---:|---:|",
            *(
                f"| {SUMMARY_LABELS[name]} | {figures['p50']:.1f} | **{figures['p95']:.1f}** "
                f"| {figures['max']:.1f} |"
                for name, figures in summary.items()
            ),
            "",
            f"Target p95 ≤ {TARGET_P95_MS:.0f} ms for searches with words: "
            f"{'met' if summary['text']['p95'] <= TARGET_P95_MS else 'NOT met'}. "
            f"`search()` against the raw engine query, median ratio over the queries with "
            f"words: {statistics.median(ratios):.1f}×.",
        ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 documents, fewer repeats")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL too")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--documents", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        result = run_backend(options.documents, options.repeats)
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return 0
    documents, repeats = (10_000, 5) if options.quick else (100_000, 11)
    results = [run_worker("sqlite", documents, repeats)]
    if options.postgres:
        _postgres(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        _postgres(f"CREATE DATABASE {PG_DATABASE}")
        try:
            results.append(run_worker("postgresql", documents, repeats))
        finally:
            _postgres(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
