"""Benchmark of the registry and the atlas, printed as a Markdown table.

    python -m bench.territories [--quick] [--postgres] [--import-runs N]
    python -m bench.territories --drop-postgres

1. Import: the full registry into a fresh SQLite database, timed by phase (the territories'
   search indexing, a task after the import, runs at once: TERRITOIRES_TASKS=immediate),
   against a raw bulk insert of the same rows (sqlite3 executemany, one transaction) in
   the same run.
2. Atlas: the home page in headless Chromium, time to the first idle map with its tiles and
   bytes transferred, then the time to show the communes of a département; against the
   same MapLibre with an empty style (the floor of any map page on this machine).
3. Search: search_territories() in-process (also on PostgreSQL with --postgres), and the
   HTMX autocomplete over HTTP.
4. Pages: requests/second of the portrait of Mouans-Sartoux (the demo content loaded by
   `load_demo`) for anonymous visitors (its sections come from the cache) against a
   hello-world view served by the same uvicorn; target: the portrait serves at least a
   third of the hello-world's requests per second. With --postgres, the same server on a
   PostgreSQL database holding the registry too.

The machine is small and shared: every figure is repeated and reported as a median with
its spread, and floors are measured in the same run. Django runs in subprocesses only (its
settings are read from the environment once), so this process never imports it. The data
dir lives in var/bench/territories/ (reused by --quick). With --postgres, the registry is
imported into the database `territoires_bench_territories` (created here, with its data
dir var/bench/territories-postgres/): a full run imports it again, --quick reuses it when
present; `--drop-postgres` drops both. Progress goes to stderr, the report to stdout.
"""

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DATA_DIR = BENCH_DIR / "territories"
IMPORT_RESULT = BENCH_DIR / "territories-import.json"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "territoires_bench_territories"
PG_DATA_DIR = BENCH_DIR / "territories-postgres"
PG_IMPORT_RESULT = BENCH_DIR / "territories-postgres-import.json"
PYTHON = sys.executable
RESULT_PREFIX = "BENCH-RESULT "

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}

# The portrait of Mouans-Sartoux, a demo portrait (`load_demo`): presentation, milestone,
# initiative, words. PAGE_MARK is in its presentation: the page has its content.
PAGE_PATH = "/territoires/commune/06084-mouans-sartoux/"
PAGE_MARK = "Parcours apprenants et communs des transitions des territoires"
FLOOR_PATH = "/bench/bonjour/"
SEARCH_PATH = "/territoires/recherche/"
ZOOM_DEPARTEMENT = "06"

# What people type in the search box: names with or without accents and hyphens,
# abbreviations, prefixes of two or three letters, INSEE codes and postcodes.
QUERIES = [
    "saint etienne",
    "MOUANS",
    "loos en gohelle",
    "paris",
    "lyon",
    "06084",
    "59760",
    "ste marie",
    "la",
    "sa",
    "be",
    "grande synthe",
    "ungersheim",
    "montpellier",
    "aix",
    "vil",
    "marseille",
    "Besançon",
    "st denis",
    "Saint-Jean-de-Luz",
    "châteauneuf",
    "l'isle",
    "bourg",
    "mont",
    "val",
    "13001",
    "2A004",
    "75",
    "métropole",
    "communauté de communes",
    "finistère",
    "auvergne",
]

TARGETS = {
    "first_render_s": 1.5,
    "first_render_mb": 2.0,
    "zoom_s": 0.5,
    "search_p95_ms": 30.0,
    # The portrait's requests per second over the hello-world's, served alike.
    "page_rps_ratio": 1 / 3,
}


@dataclass
class Settings:
    """How much to repeat: the full run stays under 10 minutes (plus the PostgreSQL import
    with --postgres), --quick under 2 (3 with --postgres, the database reused)."""

    quick: bool
    import_runs: int
    raw_repeats: int
    atlas_runs: int
    search_rounds: int
    http_rounds: int
    load_rounds: int
    load_seconds: int
    postgres: bool = False

    @classmethod
    def make(cls, quick: bool, postgres: bool = False) -> "Settings":
        if quick:
            return cls(True, 1, 2, 2, 5, 2, 1, 3, postgres)
        return cls(False, 1, 3, 5, 20, 5, 5, 8, postgres)


# --- Small helpers ---------------------------------------------------------------------


def log(message: str):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values, q: float) -> float:
    """Nearest-rank percentile: a value that was actually measured."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Spread:
    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values) -> "Spread":
        values = list(values)
        return cls(statistics.median(values), min(values), max(values), len(values))


def bench_env(data_dir: Path, **extra) -> dict:
    """The environment of a Django subprocess working on the bench data dir, on SQLite
    unless `extra` names a DATABASE_URL."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "TERRITOIRES_TILES_PATH", "TERRITOIRES_DEBUG")
    }
    env.update(
        TERRITOIRES_DATA_DIR=str(data_dir),
        TERRITOIRES_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="territoires.settings",
        PYTHONUNBUFFERED="1",
        # Tasks run at once (the search reindex after an import): nothing waits for a
        # worker, and no worker runs beside the bench's server.
        TERRITOIRES_TASKS="immediate",
    )
    env.update(extra)
    return env


def run_worker(name: str, env: dict, *args: str) -> dict:
    """Run one of this module's workers in a subprocess; return the JSON it emitted."""
    command = [PYTHON, "-m", "bench.territories", "--worker", name, *args]
    completed = subprocess.run(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False
    )
    if completed.returncode:
        raise RuntimeError(f"worker {name} failed with exit status {completed.returncode}")
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    raise RuntimeError(f"worker {name} emitted no result")


def emit(result: dict):
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def manage(env: dict, *args: str):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


# --- Workers (run in subprocesses, with Django) ----------------------------------------


def _timed(module, name: str, label: str, phases: dict):
    """Wrap a real function of the product so that its duration is added to phases[label]."""
    original = getattr(module, name, None)
    if original is None:
        return  # a phase this version of the importer does not have

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            phases[label] = phases.get(label, 0.0) + time.perf_counter() - started

    setattr(module, name, wrapper)


def worker_import(raw_repeats: int):
    """Migrate a fresh database, import the registry with force=True, then the raw floor.

    The territories' search documents are indexed by a task enqueued once the import is
    committed; with TERRITOIRES_TASKS=immediate (bench_env) it runs then, inside
    import_registry, and is timed as its own phase. Were it not run (another backend),
    the same indexing is run here explicitly and timed, so that the phase is never missing.
    """
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from territoires.core import search
    from territoires.core.models import SearchDocument
    from territoires.territories import cog, search_documents
    from territoires.territories.models import Territory, TerritoryShape
    from territoires.territories.services import registry_import

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - started

    phases = {}
    _timed(cog, "read_registry", "read", phases)
    _timed(registry_import, "_derive_records", "derive", phases)
    _timed(registry_import, "_apply", "write", phases)
    _timed(search, "reindex", "index", phases)  # what the reindex_search task runs
    _timed(registry_import, "build_atlas_tiles", "tiles", phases)
    started = time.perf_counter()
    report = registry_import.import_registry(force=True)
    total_s = time.perf_counter() - started
    indexed = SearchDocument.objects.filter(kind=search_documents.KIND).count()
    if "index" not in phases or indexed < Territory.objects.current().count():
        started = time.perf_counter()
        search.index_documents(search_documents.territory_documents())
        phases["index"] = time.perf_counter() - started
        total_s += phases["index"]

    result = {
        "vendor": connection.vendor,
        "migrate_s": migrate_s,
        "total_s": total_s,
        "phases": phases,
        "created": report.created,
        "rejected": len(report.rejected),
        "territories": Territory.objects.count(),
        "shapes": TerritoryShape.objects.count(),
        "tiles": report.tiles,
    }
    if connection.vendor == "sqlite":
        database = Path(settings.DATABASES["default"]["NAME"])
        result["db_bytes"] = database.stat().st_size
        connection.close()
        result["raw"] = raw_insert_floor(database, raw_repeats)
    emit(result)


def worker_search(rounds: int):
    """search_territories() on the full registry: one warm-up round, then `rounds`."""
    import django

    django.setup()
    from django.db import connection

    from territoires.territories.models import Territory
    from territoires.territories.selectors import search_territories

    count = Territory.objects.count()
    if count < 30_000:
        emit({"vendor": connection.vendor, "skipped": f"{count} territoires seulement"})
        return
    hits = {query: len(search_territories(query)) for query in QUERIES}
    samples = {query: [] for query in QUERIES}
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            search_territories(query)
            samples[query].append((time.perf_counter() - started) * 1000)
    emit({"vendor": connection.vendor, "count": count, "hits": hits, "samples": samples})


# --- Raw bulk insert: the floor of the import ------------------------------------------

RAW_PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-64000;"
TABLES = ("territories_territory", "territories_territoryshape")


def raw_insert_floor(database: Path, repeats: int) -> dict:
    """Insert the imported rows again with plain sqlite3, in one transaction, twice over.

    plain: one table with the same columns plus the WKB blob, no index nor constraint.
    schema: the product's two tables with their indexes and constraints.
    """
    source = sqlite3.connect(database)
    columns = [row[1] for row in source.execute("PRAGMA table_info(territories_territory)")]
    types = {row[1]: row[2] for row in source.execute("PRAGMA table_info(territories_territory)")}
    selected = ", ".join(f't."{name}"' for name in columns)
    rows = source.execute(
        f"SELECT {selected}, s.wkb FROM territories_territory t "
        "LEFT JOIN territories_territoryshape s ON s.territory_id = t.id ORDER BY t.id"
    ).fetchall()
    schema = [
        sql
        for (sql,) in source.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name IN (?, ?) AND sql IS NOT NULL "
            "ORDER BY type DESC",
            TABLES,
        )
    ]
    source.close()
    directory = database.parent
    plain = [_raw_plain(directory, columns, types, rows) for _ in range(repeats)]
    same_schema = [_raw_schema(directory, schema, columns, rows) for _ in range(repeats)]
    blob_bytes = sum(len(row[-1]) for row in rows if row[-1] is not None)
    return {"rows": len(rows), "blob_bytes": blob_bytes, "plain": plain, "schema": same_schema}


@contextlib.contextmanager
def _scratch_database(directory: Path):
    path = directory / "raw-floor.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.executescript(RAW_PRAGMAS)
    try:
        yield connection
    finally:
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _raw_plain(directory: Path, columns, types, rows) -> float:
    with _scratch_database(directory) as connection:
        declared = ", ".join(f'"{name}" {types[name]}' for name in columns)
        connection.execute(f"CREATE TABLE raw ({declared}, wkb BLOB)")
        marks = ", ".join("?" * (len(columns) + 1))
        started = time.perf_counter()
        connection.execute("BEGIN")
        connection.executemany(f"INSERT INTO raw VALUES ({marks})", rows)
        connection.execute("COMMIT")
        return time.perf_counter() - started


def _raw_schema(directory: Path, schema, columns, rows) -> float:
    with _scratch_database(directory) as connection:
        for statement in schema:
            connection.execute(statement)
        names = ", ".join(f'"{name}"' for name in columns)
        marks = ", ".join("?" * len(columns))
        shapes = [(row[0], row[-1]) for row in rows if row[-1] is not None]
        started = time.perf_counter()
        connection.execute("BEGIN")
        connection.executemany(
            f"INSERT INTO territories_territory ({names}) VALUES ({marks})",
            (row[:-1] for row in rows),
        )
        connection.executemany(
            "INSERT INTO territories_territoryshape (territory_id, wkb) VALUES (?, ?)", shapes
        )
        connection.execute("COMMIT")
        return time.perf_counter() - started


# --- 1. Import -------------------------------------------------------------------------


def measure_import(settings: Settings) -> dict:
    """Import into fresh data dirs; the last one becomes var/bench/territories/."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    runs = []
    for index in range(settings.import_runs):
        directory = Path(tempfile.mkdtemp(prefix="import-", dir=BENCH_DIR))
        log(f"import {index + 1}/{settings.import_runs} into {directory.name} (about 2 minutes)")
        try:
            runs.append(run_worker("import", bench_env(directory), str(settings.raw_repeats)))
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        if index == settings.import_runs - 1:
            shutil.rmtree(DATA_DIR, ignore_errors=True)
            directory.rename(DATA_DIR)
        else:
            shutil.rmtree(directory)
    result = {"measured_at": datetime.now().isoformat(timespec="minutes"), "runs": runs}
    IMPORT_RESULT.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def reusable_import() -> dict | None:
    """The result of an earlier import whose data dir is still there, for --quick."""
    if not (IMPORT_RESULT.exists() and (DATA_DIR / "atlas.pmtiles").exists()):
        return None
    result = json.loads(IMPORT_RESULT.read_text(encoding="utf-8"))
    result["reused"] = True
    return result


# --- 1b. The registry in PostgreSQL -----------------------------------------------------


def _postgres(database: str, statement: str) -> list:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{database}", autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


def postgres_url() -> str:
    return f"{PG_SERVER}/{PG_DATABASE}"


def drop_postgres():
    _postgres("postgres", f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    shutil.rmtree(PG_DATA_DIR, ignore_errors=True)
    PG_IMPORT_RESULT.unlink(missing_ok=True)


def _postgres_holds_registry() -> bool:
    try:
        ((count,),) = _postgres(PG_DATABASE, "SELECT count(*) FROM territories_territory")
    except Exception:  # no such database, or not migrated
        return False
    return count >= 30_000


def prepare_postgres(settings: Settings) -> dict:
    """The registry in the bench's PostgreSQL database: imported again by a full run, reused
    by --quick when present (with the result of its import)."""
    if (
        settings.quick
        and PG_IMPORT_RESULT.exists()
        and (PG_DATA_DIR / "atlas.pmtiles").exists()
        and _postgres_holds_registry()
    ):
        log(f"postgres: reusing the database {PG_DATABASE} (--quick)")
        result = json.loads(PG_IMPORT_RESULT.read_text(encoding="utf-8"))
        result["reused"] = True
        return result
    drop_postgres()
    _postgres("postgres", f"CREATE DATABASE {PG_DATABASE}")
    PG_DATA_DIR.mkdir(parents=True, exist_ok=True)
    log(f"postgres: import into {PG_DATABASE} (a few minutes)")
    env = bench_env(PG_DATA_DIR, DATABASE_URL=postgres_url())
    run = run_worker("import", env, "0")
    result = {"measured_at": datetime.now().isoformat(timespec="minutes"), "runs": [run]}
    PG_IMPORT_RESULT.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


# --- The server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(data_dir: Path, **extra):
    """uvicorn as `scripts/serve` runs it (one process, no task worker: tasks run at once),
    plus the hello-world floor; the demo content loaded first (the measured portrait)."""
    env = bench_env(
        data_dir, TERRITOIRES_COLLECTED_STATIC="1", TERRITOIRES_BENCH_FLOOR="1", **extra
    )
    engine = "postgresql" if extra.get("DATABASE_URL") else "sqlite"
    log(f"migrate, collectstatic, load_demo ({engine})")
    manage(env, "migrate", "--noinput", "-v0")  # a reused data dir may predate a migration
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_demo")  # idempotent
    port = free_port()
    server_log_path = BENCH_DIR / f"uvicorn-{engine}.log"
    server_log = server_log_path.open("w")
    command = [
        PYTHON,
        "-m",
        "uvicorn",
        "territoires.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=server_log, stderr=server_log)
    try:
        _wait_until_up(port, server, server_log_path)
        log(f"uvicorn on port {port} (pid {server.pid}, {engine})")
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server_log.close()


def _wait_until_up(port: int, server: subprocess.Popen, server_log: Path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited early, see {server_log}")
        with contextlib.suppress(OSError):
            status, _body = http_get(port, FLOOR_PATH)
            if status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("uvicorn did not answer within 60 s")


def http_get(port: int, path: str, headers=None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- 2. Atlas --------------------------------------------------------------------------

# Installed before the page's scripts: catches the map when atlas.js publishes it and
# notes (in ms since navigation start) when its style loaded and when it first became
# idle with every tile loaded, and what was drawn then.
INIT_SCRIPT = """
(() => {
  // The map is started on demand (js/atlas-on-demand.js); a visitor who started it in this
  // session gets it at once, as measured here.
  sessionStorage.setItem("territoires.atlas.started", "1");
  let atlas;
  window.__bench = {};
  Object.defineProperty(window, "territoiresAtlas", {
    configurable: true,
    get() { return atlas; },
    set(map) {
      atlas = map;
      map.once("load", () => { window.__bench.styleLoaded = performance.now(); });
      // The first frame drawn with every tile: what the visitor sees. "idle" comes later,
      // once MapLibre's fade transitions (fadeDuration) are over.
      const onRender = () => {
        if (!(map.loaded() && map.areTilesLoaded())) return;
        if (map.queryRenderedFeatures().length === 0) return;
        map.off("render", onRender);
        window.__bench.firstFrame = performance.now();
      };
      map.on("render", onRender);
      const onIdle = () => {
        if (!(map.loaded() && map.areTilesLoaded())) return;
        map.off("idle", onIdle);
        const navigation = performance.getEntriesByType("navigation")[0];
        Object.assign(window.__bench, {
          firstIdle: performance.now(),
          timeOrigin: performance.timeOrigin,
          html: navigation.responseEnd,
          domContentLoaded: navigation.domContentLoadedEventEnd,
          zoom: map.getZoom(),
          features: map.queryRenderedFeatures().length,
        });
      };
      map.on("idle", onIdle);
    },
  });
})();
"""

# Frames a bounding box at once and resolves when idle with the layer's features on screen
# (any idle when no layer is given, for the floor); also notes the first complete frame.
ZOOM_SCRIPT = """
([[west, south, east, north], layer]) => new Promise((resolve) => {
  const map = window.territoiresAtlas;
  const started = performance.now();
  const timer = setTimeout(() => resolve({timeout: true}), 30000);
  let frame = null;
  const drawn = () => {
    if (!(map.loaded() && map.areTilesLoaded())) return -1;
    const features = layer ? map.queryRenderedFeatures({layers: [layer]}).length : 0;
    return layer && features === 0 ? -1 : features;
  };
  const onRender = () => {
    if (drawn() < 0) return;
    map.off("render", onRender);
    frame = performance.now() - started;
  };
  const onIdle = () => {
    const features = drawn();
    if (features < 0) return;
    map.off("idle", onIdle);
    map.off("render", onRender);
    clearTimeout(timer);
    const ms = performance.now() - started;
    resolve({ms: ms, frameMs: frame === null ? ms : frame, features: features,
             zoom: map.getZoom()});
  };
  map.on("render", onRender);
  map.on("idle", onIdle);
  map.fitBounds([[west, south], [east, north]], {animate: false, padding: 20});
})
"""

TILE_PATTERN = re.compile(r"/tuiles/(\d+)/(\d+)/(\d+)\.mvt")


@dataclass
class Request:
    url: str
    bytes: int  # on the wire: encoded body plus response headers
    start_ms: float  # epoch milliseconds
    end_ms: float


class Traffic:
    """Every request of a browser context, with its size on the wire and its timing.

    Sizes are Chromium's encoded lengths as Playwright reports them. A CDP session on the
    page alone would miss the tiles, which MapLibre fetches from its web workers.
    """

    def __init__(self, context, page):
        self.requests: list[Request] = []
        context.on("requestfinished", self._on_finished)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def _on_finished(self, request):
        if not request.url.startswith("http"):
            return  # the workers' blob: URLs
        sizes = request.sizes()
        timing = request.timing
        size = max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)
        start = timing["startTime"]
        self.requests.append(Request(request.url, size, start, start + timing["responseEnd"]))

    def since(self, mark: int) -> list[Request]:
        return self.requests[mark:]


def classify(url: str) -> str:
    path = urllib.parse.urlsplit(url).path
    if TILE_PATTERN.search(path):
        return "tiles"
    if path.endswith(".js"):
        return "js"
    if path.endswith(".css"):
        return "css"
    if path.startswith("/static/"):
        return "other static"
    return "html and other"


def breakdown(requests: list[Request]) -> dict:
    """Bytes by kind of resource, and count, bytes and largest tile by zoom."""
    by_kind, by_zoom = {}, {}
    for request in requests:
        kind = classify(request.url)
        by_kind[kind] = by_kind.get(kind, 0) + request.bytes
        match = TILE_PATTERN.search(request.url)
        if match:
            count, total, largest = by_zoom.get(match[1], (0, 0, 0))
            by_zoom[match[1]] = (count + 1, total + request.bytes, max(largest, request.bytes))
    return {"by_kind": by_kind, "by_zoom": by_zoom}


def tile_window(requests: list[Request], origin_ms: float) -> tuple[float, float] | None:
    """When the first tile was asked for and the last one arrived, from `origin_ms`."""
    tiles = [request for request in requests if TILE_PATTERN.search(request.url)]
    if not tiles:
        return None
    return (
        min(t.start_ms for t in tiles) - origin_ms,
        max(t.end_ms for t in tiles) - origin_ms,
    )


def _context(browser):
    """A browser context for the measures. The site's Content-Security-Policy forbids eval,
    which Playwright's wait_for_function uses for its predicates: bypassed here (it
    changes nothing to what is loaded or drawn)."""
    return browser.new_context(viewport=VIEWPORT, bypass_csp=True)


def atlas_run(browser, base_url: str, bbox) -> dict:
    context = _context(browser)
    try:
        page = context.new_page()
        page.add_init_script(INIT_SCRIPT)
        traffic = Traffic(context, page)
        page.goto(base_url + "/", wait_until="commit")
        page.wait_for_function(
            "window.__bench && window.__bench.firstIdle !== undefined", timeout=60_000
        )
        first = page.evaluate("window.__bench")
        page.wait_for_timeout(300)  # let the last requestfinished events arrive
        initial = traffic.since(0)
        mark = len(traffic.requests)
        zoom_origin = page.evaluate("performance.timeOrigin + performance.now()")
        zoom = page.evaluate(ZOOM_SCRIPT, [bbox, "commune-fill"])
        if zoom.get("timeout"):
            raise RuntimeError("the communes never showed after zooming to the département")
        page.wait_for_timeout(300)
        zoomed = traffic.since(mark)
        return {
            "first_ms": first["firstIdle"],
            "first_frame_ms": first.get("firstFrame", first["firstIdle"]),
            "timeline": {
                "html": first["html"],
                "dom_content_loaded": first["domContentLoaded"],
                "style_loaded": first.get("styleLoaded"),
                "tiles": tile_window(initial, first["timeOrigin"]),
            },
            "first_zoom": first["zoom"],
            "first_features": first["features"],
            "first_bytes": sum(request.bytes for request in initial),
            "first_requests": len(initial),
            "first_breakdown": breakdown(initial),
            "zoom_ms": zoom["ms"],
            "zoom_frame_ms": zoom["frameMs"],
            "zoom_tiles": tile_window(zoomed, zoom_origin),
            "zoom_level": zoom["zoom"],
            "zoom_features": zoom["features"],
            "zoom_bytes": sum(request.bytes for request in zoomed),
            "zoom_breakdown": breakdown(zoomed),
        }
    finally:
        context.close()


# The floor of the atlas: the same vendored MapLibre in the same viewport, with a style
# that has no data. What the atlas takes beyond it is ours: tiles, layers, the page.
FLOOR_PATH_ATLAS = "/bench-atlas-floor/"
FLOOR_HTML = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>floor</title>
<link rel="stylesheet" href="{css}">
<style>html, body {{ margin: 0; height: 100%; }} #map {{ position: absolute; inset: 0; }}</style>
</head><body><div id="map"></div><script src="{js}"></script>
<script>
window.territoiresAtlas = new maplibregl.Map({{
  container: "map", bounds: [[-5.2, 41.3], [9.6, 51.1]], fitBoundsOptions: {{padding: 12}},
  style: {{version: 8, sources: {{}}, layers: [
    {{id: "background", type: "background", paint: {{"background-color": "#dfe9ef"}}}}]}},
}});
</script></body></html>
"""


def floor_html(port: int) -> str:
    """The floor page, pointing at the collected (hashed) MapLibre files the atlas uses."""
    status, body = http_get(port, "/")
    if status != 200:
        raise RuntimeError(f"/: HTTP {status}")
    page = body.decode()
    # The addresses js/atlas-on-demand.js loads MapLibre from, on its tag.
    js = re.search(r'data-maplibre="([^"]*/maplibre-gl-[^"]*\.js)"', page)
    css = re.search(r'data-maplibre-css="([^"]*/maplibre-gl-[^"]*\.css)"', page)
    if not (js and css):
        raise RuntimeError("the home page does not load MapLibre")
    return FLOOR_HTML.format(js=js[1], css=css[1])


def atlas_floor_run(browser, base_url: str, html: str, bbox) -> dict:
    context = _context(browser)
    try:
        context.route(
            base_url + FLOOR_PATH_ATLAS,
            lambda route: route.fulfill(status=200, content_type="text/html", body=html),
        )
        page = context.new_page()
        page.add_init_script(INIT_SCRIPT)
        traffic = Traffic(context, page)
        page.goto(base_url + FLOOR_PATH_ATLAS, wait_until="commit")
        page.wait_for_function(
            "window.__bench && window.__bench.firstIdle !== undefined", timeout=60_000
        )
        first = page.evaluate("window.__bench")
        zoom = page.evaluate(ZOOM_SCRIPT, [bbox, None])
        page.wait_for_timeout(300)
        return {
            "first_ms": first["firstIdle"],
            "zoom_ms": zoom["ms"],
            "bytes": sum(request.bytes for request in traffic.requests),
        }
    finally:
        context.close()


def measure_atlas(port: int, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    base_url = f"http://127.0.0.1:{port}"
    status, body = http_get(port, f"/api/v1/territories/departement/{ZOOM_DEPARTEMENT}")
    if status != 200:
        raise RuntimeError(f"département {ZOOM_DEPARTEMENT}: HTTP {status}")
    bbox = json.loads(body)["bbox"]
    html = floor_html(port)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            log("atlas: warm-up runs (not counted)")
            atlas_run(browser, base_url, bbox)
            atlas_floor_run(browser, base_url, html, bbox)
            results, floors = [], []
            for index in range(runs):  # interleaved, so that noise hits both alike
                log(f"atlas: run {index + 1}/{runs}")
                results.append(atlas_run(browser, base_url, bbox))
                floors.append(atlas_floor_run(browser, base_url, html, bbox))
        finally:
            browser.close()
    if any(run["first_features"] == 0 for run in results):
        raise RuntimeError("the atlas drew nothing: is WebGL available in Chromium?")
    return {"bbox": bbox, "runs": results, "floors": floors}


# --- 3. Search over HTTP ---------------------------------------------------------------


def measure_http_search(port: int, rounds: int) -> list[float]:
    """The autocomplete partial, one keep-alive connection, as HTMX asks for it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"HX-Request": "true"}

    def fetch(query: str) -> float:
        started = time.perf_counter()
        connection.request("GET", f"{SEARCH_PATH}?q={urllib.parse.quote(query)}", headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"search {query!r}: HTTP {response.status}")
        return (time.perf_counter() - started) * 1000

    try:
        for query in QUERIES:
            fetch(query)
        return [fetch(query) for _ in range(rounds) for query in QUERIES]
    finally:
        connection.close()


# --- 4. Requests per second ------------------------------------------------------------

CONNECTIONS = 8


def load_client() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def requests_per_second(port: int, path: str, seconds: int) -> float:
    url = f"http://127.0.0.1:{port}{path}"
    if load_client() == "wrk":
        return _wrk(url, seconds)
    return _python_load(port, path, seconds)


def _wrk(url: str, seconds: int) -> float:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors[1]} responses were errors\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])


def _python_load(port: int, path: str, seconds: int, limit: int = 200_000) -> float:
    """Fallback client: CONNECTIONS threads, each on a keep-alive connection."""
    counts = [0] * CONNECTIONS
    failures = []
    deadline = time.perf_counter() + seconds
    budget = limit // CONNECTIONS

    def worker(slot: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while counts[slot] < budget and time.perf_counter() < deadline:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(response.status)
                    return
                counts[slot] += 1
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{path}: HTTP {failures[0]}")
    return sum(counts) / (time.perf_counter() - started)


def measure_rps(port: int, settings: Settings) -> dict:
    """Requests per second of the portrait and of the hello-world, anonymous (no cookie:
    the portrait's sections come from the cache once the first request stored them)."""
    bodies = {}
    for path in (PAGE_PATH, FLOOR_PATH):
        status, bodies[path] = http_get(port, path)
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")
    if PAGE_MARK not in bodies[PAGE_PATH].decode():
        raise RuntimeError(f"{PAGE_PATH} lacks its demo presentation: did load_demo run?")
    log(f"rps: warm-up, then {settings.load_rounds} × {settings.load_seconds} s per URL")
    for path in (PAGE_PATH, FLOOR_PATH):
        requests_per_second(port, path, 2)
    page, floor = [], []
    for _ in range(settings.load_rounds):  # interleaved, so that noise hits both alike
        page.append(requests_per_second(port, PAGE_PATH, settings.load_seconds))
        floor.append(requests_per_second(port, FLOOR_PATH, settings.load_seconds))
    return {
        "client": load_client(),
        "page": page,
        "floor": floor,
        "page_bytes": len(bodies[PAGE_PATH]),
    }


# --- The report ------------------------------------------------------------------------


@dataclass
class Table:
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def add(self, measure, spread: Spread | None, unit, target="", verdict="", text=None):
        if spread is None:
            self.rows.append((measure, text or "", "", "", target, verdict))
            return
        low, high = unit(spread.low), unit(spread.high)
        self.rows.append(
            (measure, unit(spread.median), f"{low} – {high}", str(spread.n), target, verdict)
        )

    def markdown(self) -> str:
        header = ("Measure", "Median", "Min – max", "n", "Target / floor", "Result")
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def millis(value: float) -> str:
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def megabytes(value: float) -> str:
    return f"{value / 1e6:.2f} MB"


def times(value: float) -> str:
    return f"× {value:.1f}"


def per_second(value: float) -> str:
    return f"{value:,.0f} req/s".replace(",", " ")


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "**over**"


IMPORT_PHASES = [
    ("read", "read CSV (cog.read_registry)"),
    ("derive", "derive outlines (_derive_records)"),
    ("write", "write rows (_apply)"),
    ("index", "search index (reindex_search task, run at once)"),
    ("tiles", "tiles (build_atlas_tiles)"),
]


def report_import(table: Table, result: dict):
    runs = result["runs"]
    raw_plain = [value for run in runs for value in run["raw"]["plain"]]
    raw_schema = [value for run in runs for value in run["raw"]["schema"]]
    floor = statistics.median(raw_plain)
    first = runs[0]
    origin = f" (reused from the run of {result['measured_at']})" if result.get("reused") else ""
    table.add(
        f"Import: raw bulk insert of the {first['territories']} rows (floor){origin}",
        Spread.of(raw_plain),
        seconds,
        "floor",
    )
    table.add("Raw insert into the product's tables and indexes", Spread.of(raw_schema), seconds)
    for phase, label in IMPORT_PHASES:
        if phase in first["phases"]:
            values = (r["phases"][phase] for r in runs)
            table.add(f"Import phase: {label}", Spread.of(values), seconds)
    table.add(
        "Import phase: the rest (fingerprint, commit, bookkeeping)",
        Spread.of(r["total_s"] - sum(r["phases"].values()) for r in runs),
        seconds,
    )
    without_tiles = [r["total_s"] - r["phases"]["tiles"] for r in runs]
    table.add("Import without tiles", Spread.of(without_tiles), seconds)
    table.add("Import total", Spread.of(r["total_s"] for r in runs), seconds)
    table.add(
        "Import write phase / raw insert",
        Spread.of(r["phases"]["write"] / floor for r in runs),
        times,
        "1 = floor",
    )
    table.add(
        "Import without tiles / raw insert", Spread.of(w / floor for w in without_tiles), times
    )
    table.add("Import total / raw insert", Spread.of(r["total_s"] / floor for r in runs), times)
    tiles = first["tiles"] or {}
    table.notes.append(
        f"Import: {first['created']:,} territories created, {first['rejected']} rows rejected, "
        f"{first['shapes']:,} outlines ({first['raw']['blob_bytes'] / 1e6:.0f} MB of WKB), "
        f"SQLite file {first['db_bytes'] / 1e6:.0f} MB, {tiles.get('tiles', 0):,} tiles "
        f"({tiles.get('bytes', 0) / 1e6:.1f} MB PMTiles). `migrate` before: "
        f"{first['migrate_s']:.1f} s (not counted)."
    )


def report_postgres_import(table: Table, result: dict):
    runs = result["runs"]
    first = runs[0]
    origin = f" (reused from the run of {result['measured_at']})" if result.get("reused") else ""
    for phase, label in IMPORT_PHASES:
        if phase in first["phases"]:
            values = (r["phases"][phase] for r in runs)
            table.add(f"PostgreSQL import phase: {label}", Spread.of(values), seconds)
    table.add(f"PostgreSQL import total{origin}", Spread.of(r["total_s"] for r in runs), seconds)


def report_atlas(table: Table, result: dict):
    runs, floors = result["runs"], result["floors"]
    table.add(
        "Atlas floor: same MapLibre, empty style → first idle",
        Spread.of(f["first_ms"] / 1000 for f in floors),
        seconds,
        "floor",
    )
    table.add(
        "Atlas `/`: navigation → first idle map, tiles loaded",
        Spread.of(r["first_ms"] / 1000 for r in runs),
        seconds,
        f"≤ {TARGETS['first_render_s']} s",
        verdict(statistics.median(r["first_ms"] for r in runs) / 1000, TARGETS["first_render_s"]),
    )
    table.add(
        "Atlas `/`: navigation → first frame with every tile drawn",
        Spread.of(r["first_frame_ms"] / 1000 for r in runs),
        seconds,
    )
    table.add(
        "Atlas first idle / floor",
        Spread.of(r["first_ms"] / f["first_ms"] for r, f in zip(runs, floors, strict=True)),
        times,
        "1 = floor",
    )
    table.add(
        "Atlas `/`: bytes transferred (cache disabled)",
        Spread.of(r["first_bytes"] for r in runs),
        megabytes,
        f"≤ {TARGETS['first_render_mb']} MB",
        verdict(
            statistics.median(r["first_bytes"] for r in runs) / 1e6, TARGETS["first_render_mb"]
        ),
    )
    table.add(
        f"Atlas: fitBounds to département {ZOOM_DEPARTEMENT} → communes shown",
        Spread.of(r["zoom_ms"] / 1000 for r in runs),
        seconds,
        f"≤ {TARGETS['zoom_s']} s",
        verdict(statistics.median(r["zoom_ms"] for r in runs) / 1000, TARGETS["zoom_s"]),
    )
    table.add(
        f"Atlas: fitBounds to département {ZOOM_DEPARTEMENT} → first frame with the communes",
        Spread.of(r["zoom_frame_ms"] / 1000 for r in runs),
        seconds,
    )
    table.add(
        "Atlas floor: same fitBounds on the empty map → idle",
        Spread.of(f["zoom_ms"] / 1000 for f in floors),
        seconds,
        "floor",
    )
    table.add(
        "Atlas: bytes transferred by that zoom",
        Spread.of(r["zoom_bytes"] for r in runs),
        megabytes,
    )
    table.notes.append(f"Atlas timeline, medians in ms since navigation start: {_timeline(runs)}.")
    table.notes.append(
        f"Atlas floor transfers {statistics.median(f['bytes'] for f in floors) / 1e6:.2f} MB "
        "(MapLibre's JS and CSS, no tile)."
    )
    sample = runs[len(runs) // 2]
    table.notes.append(
        "Atlas, initial view (one run): zoom "
        f"{sample['first_zoom']:.2f}, {sample['first_requests']} requests, "
        f"{sample['first_features']} features drawn; {_describe(sample['first_breakdown'])}."
    )
    window = sample["zoom_tiles"]
    table.notes.append(
        f"Atlas, département {ZOOM_DEPARTEMENT} (one run): zoom {sample['zoom_level']:.2f}, "
        f"{sample['zoom_features']} commune polygons drawn"
        + (f", tiles {window[0]:.0f} → {window[1]:.0f} ms after fitBounds" if window else "")
        + f"; {_describe(sample['zoom_breakdown'])}."
    )


def _timeline(runs) -> str:
    def median_of(key):
        values = [r["timeline"][key] for r in runs if r["timeline"][key] is not None]
        return statistics.median(values) if values else None

    steps = [
        ("HTML received", median_of("html")),
        ("DOMContentLoaded", median_of("dom_content_loaded")),
        ("map load event", median_of("style_loaded")),
    ]
    windows = [r["timeline"]["tiles"] for r in runs if r["timeline"]["tiles"]]
    if windows:
        steps.append(("first tile asked", statistics.median(w[0] for w in windows)))
        steps.append(("last tile received", statistics.median(w[1] for w in windows)))
    steps.append(("first complete frame", statistics.median(r["first_frame_ms"] for r in runs)))
    steps.append(("idle", statistics.median(r["first_ms"] for r in runs)))
    return ", ".join(f"{label} {value:.0f}" for label, value in steps if value is not None)


def _describe(parts: dict) -> str:
    kinds = ", ".join(
        f"{kind} {size / 1e3:.0f} kB"
        for kind, size in sorted(parts["by_kind"].items(), key=lambda item: -item[1])
    )
    zooms = "; ".join(
        f"z{zoom}: {count} tiles, {total / 1e3:.0f} kB (largest {largest / 1e3:.0f} kB)"
        for zoom, (count, total, largest) in sorted(parts["by_zoom"].items())
    )
    return f"{kinds} — tiles by zoom: {zooms or 'none'}"


def report_search(table: Table, result: dict, label: str):
    if result.get("skipped"):
        table.add(f"Search {label}", None, None, text=f"skipped: {result['skipped']}")
        return
    samples = [value for values in result["samples"].values() for value in values]
    p95 = percentile(samples, 95)
    table.add(
        f"Search {label}: p50",
        Spread(percentile(samples, 50), min(samples), max(samples), len(samples)),
        millis,
    )
    table.add(
        f"Search {label}: p95 ({len(QUERIES)} queries)",
        None,
        None,
        f"≤ {TARGETS['search_p95_ms']:.0f} ms",
        verdict(p95, TARGETS["search_p95_ms"]),
        text=millis(p95),
    )
    slowest = sorted(result["samples"].items(), key=lambda item: -statistics.median(item[1]))[:4]
    table.notes.append(
        f"Search {label}, slowest queries (median): "
        + ", ".join(f"“{query}” {statistics.median(values):.1f} ms" for query, values in slowest)
        + "."
    )


def report_http_search(table: Table, samples: list[float]):
    p95 = percentile(samples, 95)
    table.add(
        "Autocomplete over HTTP (HTMX partial): p50",
        Spread(percentile(samples, 50), min(samples), max(samples), len(samples)),
        millis,
    )
    table.add("Autocomplete over HTTP: p95", None, None, text=millis(p95))


def report_rps(table: Table, result: dict, engine: str):
    client = result["client"]
    target = TARGETS["page_rps_ratio"]
    table.add(
        f"{engine}: hello-world `{FLOOR_PATH}` ({client}, {CONNECTIONS} connections)",
        Spread.of(result["floor"]),
        per_second,
        "floor",
    )
    table.add(
        f"{engine}: portrait `{PAGE_PATH}`, anonymous (cached sections)",
        Spread.of(result["page"]),
        per_second,
    )
    # Rounds are interleaved: each round's page over the same round's floor.
    ratios = [page / floor for page, floor in zip(result["page"], result["floor"], strict=True)]
    table.add(
        f"{engine}: portrait / hello-world (rps ratio)",
        Spread.of(ratios),
        lambda value: f"{value:.2f}",
        f"≥ {target:.2f}",
        "ok" if statistics.median(ratios) >= target else "**under**",
    )
    table.notes.append(
        f"{engine}: the portrait weighs {result['page_bytes'] / 1e3:.0f} kB of HTML "
        f"(uncompressed); each round measures both URLs one after the other for the same time."
    )


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    chromium = subprocess.run(
        [CHROMIUM, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {chromium or 'no Chromium'}, "
        f"load client: {load_client()}"
    )


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


# --- Main ------------------------------------------------------------------------------


def run(settings: Settings) -> str:
    started = time.perf_counter()
    load_before = load_average()
    table = Table()

    imported = reusable_import() if settings.quick else None
    if imported:
        log("import: reusing var/bench/territories/ (--quick)")
    else:
        imported = measure_import(settings)
    report_import(table, imported)

    env = bench_env(DATA_DIR)
    with serving(DATA_DIR) as port:
        report_atlas(table, measure_atlas(port, settings.atlas_runs))
        log(f"search: {len(QUERIES)} queries × {settings.search_rounds} rounds in-process")
        report_search(table, run_worker("search", env, str(settings.search_rounds)), "in-process")
        log("search: autocomplete over HTTP")
        report_http_search(table, measure_http_search(port, settings.http_rounds))
        rps = {"SQLite": measure_rps(port, settings)}

    if settings.postgres:
        report_postgres_import(table, prepare_postgres(settings))
        pg_env = bench_env(PG_DATA_DIR, DATABASE_URL=postgres_url())
        log(f"search: {len(QUERIES)} queries × {settings.search_rounds} rounds on PostgreSQL")
        report_search(
            table, run_worker("search", pg_env, str(settings.search_rounds)), "PostgreSQL"
        )
        with serving(PG_DATA_DIR, DATABASE_URL=postgres_url()) as port:
            rps["PostgreSQL"] = measure_rps(port, settings)

    for engine, result in rps.items():
        report_rps(table, result, engine)

    elapsed = time.perf_counter() - started
    mode = "quick" if settings.quick else "full"
    lines = [
        "## Registry and atlas (bench/territories.py)",
        "",
        f"Run of {datetime.now():%Y-%m-%d %H:%M} ({mode}, {elapsed:.0f} s). "
        f"Machine: {machine()}. Load average before / after: {load_before} → {load_average()}.",
        "",
        table.markdown(),
        "",
        *[f"- {note}" for note in table.notes],
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.territories", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, reuse var/bench/")
    parser.add_argument(
        "--import-runs", type=int, help="full imports to time (1 by default: 2 minutes each)"
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help=f"also on PostgreSQL (the database {PG_DATABASE}, created here)",
    )
    parser.add_argument(
        "--drop-postgres",
        action="store_true",
        help=f"drop the database {PG_DATABASE} and its data dir, then stop",
    )
    parser.add_argument("--worker", choices=["import", "search"], help=argparse.SUPPRESS)
    parser.add_argument("worker_args", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker == "import":
        worker_import(int(options.worker_args[0]))
        return 0
    if options.worker == "search":
        worker_search(int(options.worker_args[0]))
        return 0
    if options.drop_postgres:
        drop_postgres()
        return 0
    settings = Settings.make(options.quick, options.postgres)
    if options.import_runs:
        settings.import_runs = options.import_runs
    print(run(settings), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
