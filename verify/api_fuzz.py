"""Deep fuzzing of the JSON API with schemathesis, printed as Markdown.

    python -m verify api_fuzz            # SQLite, then PostgreSQL when one answers
    python -m verify.api_fuzz [--engine sqlite|postgres] [--examples 300] [--max-time 300]

schemathesis reads /api/v1/openapi.json and sends every operation generated requests
(explicit examples, coverage of the boundaries, then fuzzing, valid and invalid data) through
the WSGI application in this process, anonymously and as a member of Mouans-Sartoux (session
cookie), against a throwaway test database holding the sample registry and the demo commons.
Each answer must pass five checks: no server error, a status the description declares, a
body that follows the declared schema, the declared content type and, ours, an error said in
French. Failures (with a curl line to reproduce them and the server's traceback for a 500)
make the exit status 1.

`make test` runs the same with a few examples per operation (tests/test_api_fuzz.py); this
runs hundreds, bounded in time. Django reads its settings once, so each database engine runs
in a subprocess of this one. Nothing here reaches beyond this process.
"""

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_plus

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = "/api/v1/openapi.json"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "errors_in_french",  # ours, below
)
# What pydantic or Django would say in English, should their message get through.
ENGLISH = ("Field required", "Input should", "Value should", "Unable to", "matches the given query")
SEED = 20261206
PG_URL = "postgres://postgres@127.0.0.1:5432/territoires"
# Its own test database, so that a run never meets the test suite's on the same server.
PG_TEST_NAME = "test_territoires_api_fuzz"
DEEP_EXAMPLES = 300
DEEP_MAX_TIME = 300  # seconds per identity and engine: 20 minutes at worst


# --- The application, in this process --------------------------------------------------


class InProcessApp:
    """Django's WSGI handler on the caller's database connection, for the duration of a run.

    schemathesis sends its requests from a worker thread; Django gives each thread its own
    connection, which would not see the caller's uncommitted test data (nor would it be
    rolled back with it). As Django's LiveServerThread does, the worker borrows the caller's
    connection: one request at a time, while the caller only waits for events. Django's own
    test client also keeps the connection open across requests (no `close_old_connections`).
    Exceptions behind a 500 are kept with their traceback for the report.
    """

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import connections

        self.handler = WSGIHandler()
        self.connection = connections["default"]
        self.owner = threading.get_ident()
        self.tracebacks: list[str] = []

    def __enter__(self):
        self.connection.inc_thread_sharing()
        return self

    def __exit__(self, *exc_info):
        self.connection.dec_thread_sharing()

    def __call__(self, environ, start_response):
        from django.core import signals
        from django.db import close_old_connections, connections

        if threading.get_ident() != self.owner:
            connections["default"] = self.connection
        # schemathesis asks for gzip but its WSGI client does not decompress: plain bodies.
        environ.pop("HTTP_ACCEPT_ENCODING", None)
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        signals.got_request_exception.connect(self._keep_traceback)
        try:
            response = self.handler(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                response.close()
        finally:
            signals.got_request_exception.disconnect(self._keep_traceback)
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        return [body]

    def _keep_traceback(self, sender, request=None, **kwargs):
        where = f"{request.method} {request.get_full_path()}" if request is not None else ""
        self.tracebacks.append(f"{where}\n{traceback.format_exc()}")


# --- A run and its figures -------------------------------------------------------------


@dataclass
class Finding:
    operation: str
    check: str
    title: str
    message: str
    reproduce: str

    def __str__(self):
        return f"{self.operation} — {self.check}: {self.title}\n{self.message}\n{self.reproduce}"


@dataclass
class Report:
    identity: str
    examples: int
    cases: Counter = field(default_factory=Counter)  # by operation
    statuses: Counter = field(default_factory=Counter)  # by (operation, status code)
    failures: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the engine's own: schema, generation
    tracebacks: list[str] = field(default_factory=list)  # behind the 500s
    seconds: float = 0.0
    stop_reason: str = ""

    @property
    def passed(self) -> bool:
        return not (self.failures or self.errors or self.tracebacks)

    def problems(self) -> str:
        """Everything that went wrong, to read in a failed test or at the end of the report."""
        parts = [str(finding) for finding in self.failures]
        parts += [f"engine error: {error}" for error in self.errors]
        parts += [f"server traceback: {tb}" for tb in self.tracebacks]
        return "\n\n".join(parts)


def errors_in_french(ctx, response, case):
    """An error answer says why in French: neither pydantic's message nor Django's."""
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except ValueError:
        return None  # content_type_conformance tells
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str):
        return None  # response_schema_conformance tells
    details = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    english = [e["msg"] for e in details if isinstance(e.get("msg"), str) and e["msg"] in message]
    english += [words for words in ENGLISH if words in message]
    # Unless the request itself said them: messages name what was asked.
    asked = unquote_plus(response.request.url or "")
    english = [words for words in english if words not in asked]
    if english:
        raise AssertionError(f"English in the message {message!r}: {english}")
    return True


def config(*, examples: int, session: str | None):
    """schemathesis' settings: `examples` per operation and phase (explicit examples and the
    coverage of the boundaries come on top), the four checks, nothing else."""
    import schemathesis

    schemathesis.check(errors_in_french)  # registered once: again from here is a no-op
    settings = {
        "seed": SEED,
        "workers": 1,
        "generation": {
            "max-examples": examples,
            "deterministic": True,  # the same cases every run: CI never flakes on a new draw
            "database": "none",  # nothing written beside the repository
            "mode": "all",  # valid and invalid requests
        },
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "phases": {"stateful": {"enabled": False}},  # read-only API: no links to follow
    }
    if session is not None:
        # The description's security scheme: ninja's SessionAuth, Django's session cookie.
        settings["auth"] = {"openapi": {"SessionAuth": {"api_key": session}}}
    return schemathesis.Config.from_dict(settings)


def fuzz(
    *,
    identity: str,
    examples: int,
    max_time: int | None = None,
    session: str | None = None,
    secured_only: bool = False,
) -> Report:
    """One schemathesis run over every operation (those that need a session only, with
    `secured_only`), on the caller's database connection; logged in with the `session` key,
    anonymous (sending made-up session keys) without."""
    import schemathesis
    from schemathesis.engine import Status, events, from_schema

    report = Report(identity=identity, examples=examples)
    started = time.perf_counter()
    with InProcessApp() as app:
        schema = schemathesis.openapi.from_wsgi(
            SCHEMA_PATH, app, config=config(examples=examples, session=session)
        )
        if secured_only:
            schema = schema.include(lambda ctx: bool(ctx.operation.definition.raw.get("security")))
        # Not schemathesis' own max-time: with one, it keeps fuzzing until the time is up.
        deadline = None if max_time is None else started + max_time
        stream = from_schema(schema).execute()
        for event in stream:
            if deadline is not None and time.perf_counter() > deadline and not report.stop_reason:
                report.stop_reason = "time limit"
                stream.stop()
            if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
                _record(report, event.recorder)
                if event.status == Status.ERROR and not event.recorder.checks:
                    report.errors.append(f"{event.label}: {event.skip_reason or 'error'}")
            elif isinstance(event, events.NonFatalError):
                report.errors.append(f"{event.label}: {event.info.title}\n{event.info.message}")
            elif isinstance(event, events.FatalError):
                raise event.exception
            elif isinstance(event, events.EngineFinished):
                report.stop_reason = report.stop_reason or str(event.stop_reason)
        report.tracebacks = app.tracebacks
    report.seconds = time.perf_counter() - started
    return report


def _record(report: Report, recorder) -> None:
    for case_id in recorder.cases:
        report.cases[recorder.label] += 1
        interaction = recorder.interactions.get(case_id)
        if interaction is not None and interaction.response is not None:
            report.statuses[recorder.label, interaction.response.status_code] += 1
    for checks in recorder.checks.values():
        for check in checks:
            info = check.failure_info
            if info is None:
                continue
            finding = Finding(
                operation=recorder.label,
                check=check.name,
                title=info.failure.title,
                message=info.failure.message,
                reproduce=info.code_sample,
            )
            if all(
                (f.operation, f.check, f.title) != (finding.operation, finding.check, finding.title)
                for f in report.failures
            ):
                report.failures.append(finding)


# --- What the database holds for a run -------------------------------------------------


def populate(territory) -> None:
    """Published content to answer with: the demo commons, and one of every kind the API
    shows in `territory` (Mouans-Sartoux), with the optional fields left empty or filled."""
    from decimal import Decimal

    from territoires.initiatives.demo import load_demo_commons
    from territoires.initiatives.models import InitiativeResult, KeyFigure, Verbatim
    from tests.initiatives.factories import InitiativeFactory, MilestoneFactory

    load_demo_commons()
    initiative = InitiativeFactory(
        published=True, territory=territory, slug="cantine-bio", tags="cantine, bio"
    )
    InitiativeResult.objects.create(
        initiative=initiative, text="Repas bio", value=Decimal("100"), unit="%", year=2012
    )
    MilestoneFactory(territory=territory, year=None, phase="vision")
    KeyFigure.objects.create(
        territory=territory, label="Repas par jour", value=Decimal("1000"), year=2020, source="X"
    )
    Verbatim.objects.create(
        territory=territory,
        initiative=initiative,
        text="Nos enfants mangent bio.",
        speaker_name="Gilles",
        consent_to_name=True,
        speaker_role="élu",
        category="elu",
        state="published",
    )
    # Organisations: one current with a named person and a category, one historical.
    from territoires.actors.models import Category, Organisation, Person

    current = Organisation.objects.create(
        name="Régie des eaux", kind="collectivite", category=Category.objects.first()
    )
    current.territories.add(territory)
    Person.objects.create(
        organisation=current, name="Camille", consent_to_name=True, role="directrice"
    )
    ended = Organisation.objects.create(
        name="Syndicat dissous", ended=True, successor=current, source="Arrêté"
    )
    ended.territories.add(territory)


def session_key(user) -> str:
    """A session of `user`, logged in, as its cookie holds it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# --- The report ------------------------------------------------------------------------


def markdown(reports: list[Report], engine: str) -> str:
    lines = [
        f"### {engine}",
        "",
        "| identity | examples per operation | operations | cases | 2xx | 4xx | 5xx "
        "| failures | time | stopped |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for report in reports:
        by_class = Counter()
        for (_operation, status), count in report.statuses.items():
            by_class[status // 100] += count
        lines.append(
            f"| {report.identity} | {report.examples} | {len(report.cases)} "
            f"| {sum(report.cases.values())} | {by_class[2]} | {by_class[4]} | {by_class[5]} "
            f"| {len(report.failures) + len(report.errors) + len(report.tracebacks)} "
            f"| {report.seconds:.0f} s | {report.stop_reason} |"
        )
    operations = sorted(set().union(*(report.cases for report in reports)))
    lines += [
        "",
        "| operation | " + " | ".join(f"cases ({r.identity})" for r in reports) + " |",
        "|---|" + "---:|" * len(reports),
    ]
    for operation in operations:
        counts = " | ".join(str(report.cases[operation]) for report in reports)
        lines.append(f"| `{operation}` | {counts} |")
    for report in reports:
        if not report.passed:
            lines += ["", f"#### Failures ({report.identity})", "", "```", report.problems(), "```"]
    return "\n".join(lines)


def run_engine(engine: str, examples: int, max_time: int) -> int:
    """In this process: a test database, the sample registry, the cast, two runs."""
    if engine == "postgres":
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    # Each refused request is logged as a warning: thousands of lines saying nothing.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    from territoires.territories.services import registry_import
    from tests.accounts.factories import MembershipFactory
    from tests.conftest import SAMPLE_DIR
    from tests.territories.factories import commune

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        PG_TEST_NAME if engine == "postgres" else None
    )
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with tempfile.TemporaryDirectory() as scratch:
        settings.TILES_PATH = Path(scratch) / "atlas.pmtiles"
        print(f"{engine}: preparing the test database…", file=sys.stderr, flush=True)
        old = setup_databases(verbosity=0, interactive=False)
        try:
            registry_import.import_registry(SAMPLE_DIR, force=True)
            member = MembershipFactory(
                user__email="bob@example.org", territory=commune("06084"), role="contributor"
            ).user
            populate(commune("06084"))
            reports = []
            for identity, session in (("anonymous", None), ("member", session_key(member))):
                print(f"{engine}: fuzzing as {identity}…", file=sys.stderr, flush=True)
                reports.append(
                    fuzz(identity=identity, examples=examples, max_time=max_time, session=session)
                )
        finally:
            teardown_databases(old, verbosity=0)
    print(markdown(reports, engine), flush=True)
    return 0 if all(report.passed for report in reports) else 1


def postgres_answers() -> bool:
    script = ROOT / "scripts" / "postgres-available"
    return subprocess.run([str(script)], check=False).returncode == 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m verify.api_fuzz", description=__doc__)
    parser.add_argument("--engine", choices=("sqlite", "postgres"), help="one engine, here")
    parser.add_argument("--examples", type=int, default=DEEP_EXAMPLES, help="per operation")
    parser.add_argument(
        "--max-time", type=int, default=DEEP_MAX_TIME, help="seconds per identity and engine"
    )
    options = parser.parse_args(argv)
    if options.engine:
        return run_engine(options.engine, options.examples, options.max_time)
    print(
        f"schemathesis on `{SCHEMA_PATH}`, {options.examples} examples per operation and "
        f"phase at most, {options.max_time} s at most per identity; checks: "
        + ", ".join(f"`{name}`" for name in CHECKS)
        + ".\n",
        flush=True,
    )
    engines = ["sqlite", *(["postgres"] if postgres_answers() else [])]
    if len(engines) == 1:
        print("> No PostgreSQL at 127.0.0.1:5432: SQLite only.\n", flush=True)
    status = 0
    for engine in engines:
        command = [sys.executable, "-m", "verify.api_fuzz", "--engine", engine]
        command += ["--examples", str(options.examples), "--max-time", str(options.max_time)]
        status = subprocess.run(command, cwd=ROOT, check=False).returncode or status
        print(flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
