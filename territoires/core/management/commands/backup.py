"""`manage.py backup PATH`: a consistent copy of the database, with a manifest beside it.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the live database,
WAL included, while the site keeps running; the copy is then turned into a single file
(rollback journal) and vacuumed, so that rows deleted before the backup — an erased
person — leave no bytes in its free pages. PostgreSQL: `pg_dump --format=custom` with the
settings' connection parameters (no shell; the password through PGPASSWORD), from a
snapshot exported by the very transaction that counts the rows, so that the manifest
describes exactly what was dumped.

The manifest, `PATH.json`, lists every table with its row count and a sha256 of its rows in
primary-key order, and the sha256 of the file: `manage.py restore` checks the file against
it before writing anything, and the restored tables against it afterwards.

This module works at the database level only (core imports no app) and also holds what
`restore` shares with it.
"""

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from territoires.core.command import TimedCommand

MANIFEST_FORMAT = 1
SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"
FETCH_SIZE = 2000
# Connection options of the settings that the PostgreSQL tools read from the environment.
PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


# --- Files and manifests --------------------------------------------------------------------


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(path: Path) -> dict:
    """The manifest beside a backup, checked for what restore relies on."""
    where = manifest_path(path)
    if not where.is_file():
        raise CommandError(
            f"Manifeste introuvable : {where}. Une sauvegarde sans son manifeste ne peut pas "
            "être vérifiée ; refaites-la avec manage.py backup."
        )
    try:
        manifest = json.loads(where.read_text(encoding="utf-8"))
        well_formed = (
            isinstance(manifest.get("vendor"), str)
            and isinstance(manifest["file"]["sha256"], str)
            and all(
                isinstance(table["rows"], int) and isinstance(table["sha256"], str)
                for table in manifest["tables"].values()
            )
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        well_formed = False
    if not well_formed:
        raise CommandError(f"Manifeste illisible : {where}.")
    if manifest.get("format") != MANIFEST_FORMAT:
        raise CommandError(
            f"Manifeste de format {manifest.get('format')} : ce code lit le format "
            f"{MANIFEST_FORMAT}."
        )
    return manifest


def write_manifest(path: Path, manifest: dict) -> None:
    where = manifest_path(path)
    partial = where.with_name(where.name + ".part")
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, where)


def vendor_label(vendor: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor)


def write_counts(stdout, tables: dict, expected: dict | None = None) -> None:
    """Per-table row counts; against the manifest's when restoring."""
    width = max((len(name) for name in tables), default=10)
    for name, found in sorted(tables.items()):
        line = f"  {name:<{width}} {found['rows']:>10}"
        if expected is not None:
            wanted = expected.get(name)
            if wanted is None:
                line += "  (absente de la sauvegarde)"
            elif wanted == found:
                line += "  ok"
            else:
                line += f"  ≠ sauvegarde : {wanted['rows']} lignes"
                if wanted["rows"] == found["rows"]:
                    line += ", contenu différent"
        stdout.write(line)
    total = sum(table["rows"] for table in tables.values())
    stdout.write(f"  {len(tables)} tables, {total} lignes.")


def compare(expected: dict, found: dict) -> list[str]:
    """Tables of the manifest missing or different once restored."""
    problems = []
    for name, wanted in sorted(expected.items()):
        got = found.get(name)
        if got is None:
            problems.append(f"{name} : absente")
        elif got["rows"] != wanted["rows"]:
            problems.append(f"{name} : {got['rows']} lignes au lieu de {wanted['rows']}")
        elif got["sha256"] != wanted["sha256"]:
            problems.append(f"{name} : même nombre de lignes, contenu différent")
    return problems


# --- Counting and hashing rows ---------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_bytes(row) -> bytes:
    values = tuple(bytes(value) if isinstance(value, memoryview) else value for value in row)
    return repr(values).encode("utf-8") + b"\n"


def _digest(cursor, sql: str) -> dict:
    """Rows and sha256 of a query's rows, read a few thousand at a time."""
    digest, rows = hashlib.sha256(), 0
    cursor.execute(sql)
    while batch := cursor.fetchmany(FETCH_SIZE):
        for row in batch:
            digest.update(_row_bytes(row))
        rows += len(batch)
    return {"rows": rows, "sha256": digest.hexdigest()}


def _sqlite_tables(database: sqlite3.Connection) -> dict[str, str]:
    """Table -> ORDER BY clause. Virtual tables (the FTS5 index) are left out: their content
    is in their shadow tables, which are listed as tables of their own."""
    tables = {}
    rows = database.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall()
    for name, sql in rows:
        if (sql or "").lstrip().upper().startswith("CREATE VIRTUAL TABLE"):
            continue
        columns = database.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
        key = [column[1] for column in sorted(columns, key=lambda column: column[5]) if column[5]]
        tables[name] = ", ".join(_quote(column) for column in key) if key else "rowid"
    return tables


@contextlib.contextmanager
def _sqlite_file(path: Path):
    """A plain sqlite3 connection to an existing file: no converters, the same values
    whoever reads (read-write: a WAL database needs its shared-memory file)."""
    uri = f"{path.resolve().as_uri()}?mode=rw"
    database = sqlite3.connect(uri, uri=True)
    try:
        yield database
    finally:
        database.close()


def sqlite_census(path: Path, *, counts_only=False) -> dict:
    with _sqlite_file(path) as database:
        census = {}
        for table, order in _sqlite_tables(database).items():
            if counts_only:
                (rows,) = database.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()
                census[table] = {"rows": rows}
            else:
                census[table] = _digest(
                    database.cursor(), f"SELECT * FROM {_quote(table)} ORDER BY {order}"
                )
        return census


def pg_census(connection, *, counts_only=False) -> dict:
    """Every table the connection sees (its search path), through the Django connection."""
    census = {}
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        keys = {
            table: connection.introspection.get_primary_key_columns(cursor, table)
            for table in tables
        }
    for table in tables:
        if counts_only:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {_quote(table)}")
                census[table] = {"rows": cursor.fetchone()[0]}
            continue
        order = ", ".join(f"_row.{_quote(column)}" for column in keys[table] or ())
        sql = f"SELECT _row.* FROM {_quote(table)} AS _row ORDER BY {order or 'CAST(_row AS text)'}"
        with connection.chunked_cursor() as cursor:
            census[table] = _digest(cursor, sql)
    return census


def non_empty(census: dict) -> dict:
    """Tables holding rows, SQLite's own bookkeeping aside."""
    return {
        name: table["rows"]
        for name, table in census.items()
        if table["rows"] and not name.startswith("sqlite_")
    }


# --- The PostgreSQL tools ----------------------------------------------------------------------


def pg_program(name: str) -> str:
    """The tool on the PATH, else the newest of Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if candidates:
        return str(candidates[-1])
    raise CommandError(
        f"{name} introuvable : installez les outils clients de PostgreSQL "
        "(paquet postgresql-client)."
    )


def pg_connection_arguments(settings_dict: dict) -> tuple[list[str], dict]:
    """Command-line arguments and environment of the PostgreSQL tools, from the settings."""
    arguments = ["--no-password"]  # never wait for a password on a terminal
    if settings_dict.get("HOST"):
        arguments += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", str(settings_dict["USER"])]
    if settings_dict.get("NAME"):
        arguments += ["--dbname", str(settings_dict["NAME"])]
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in PG_OPTION_VARIABLES.items():
        value = (settings_dict.get("OPTIONS") or {}).get(option)
        if value:
            environment[variable] = str(value)
    return arguments, environment


def run_pg_tool(arguments: list[str], environment: dict) -> None:
    result = subprocess.run(
        arguments, env=environment, capture_output=True, text=True, check=False, shell=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise CommandError(
            f"{Path(arguments[0]).name} a échoué (code {result.returncode}) : {detail}"
        )


def database_label(connection) -> str:
    name = connection.settings_dict.get("NAME")
    return Path(str(name)).name if connection.vendor == "sqlite" else str(name)


def sqlite_path(connection) -> Path | None:
    """The file of a SQLite database, None for an in-memory one."""
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    return Path(name.removeprefix("file:").split("?", 1)[0])


def connection_failure(connection, error) -> CommandError:
    return CommandError(
        f"Connexion impossible à la base {vendor_label(connection.vendor)} "
        f"« {database_label(connection)} » : {error}"
    )


# --- The command ---------------------------------------------------------------------------------


class Command(TimedCommand):
    help = "Sauvegarde la base de données dans un fichier, avec un manifeste (tables, lignes, sommes de contrôle)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Fichier de sauvegarde à écrire")
        parser.add_argument(
            "--force", action="store_true", help="Remplace une sauvegarde existante"
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Base à sauvegarder (alias des réglages)"
        )

    def handle(self, *args, path, force=False, database=DEFAULT_DB_ALIAS, **options):
        path = path.resolve()
        if path.is_dir():
            raise CommandError(f"{path} est un dossier : donnez le nom du fichier à écrire.")
        if not path.parent.is_dir():
            raise CommandError(f"Dossier introuvable : {path.parent}")
        if not force and (path.exists() or manifest_path(path).exists()):
            raise CommandError(
                f"{path} existe déjà : choisissez un autre nom, ou --force pour la remplacer."
            )
        connection = connections[database]
        if connection.vendor not in ("sqlite", "postgresql"):
            raise CommandError(
                f"Base {connection.vendor} : seules SQLite et PostgreSQL sont prises en charge."
            )
        if connection.in_atomic_block:
            # SQLite's backup would wait forever on a source its own connection is writing;
            # pg_export_snapshot must open its transaction.
            raise CommandError("La sauvegarde se fait hors de toute transaction en cours.")
        partial = path.with_name(f".{path.name}.part")
        partial.unlink(missing_ok=True)
        try:
            if connection.vendor == "sqlite":
                tables = self._sqlite(connection, partial)
            else:
                tables = self._postgresql(connection, partial)
            manifest = {
                "format": MANIFEST_FORMAT,
                "vendor": connection.vendor,
                "database": database_label(connection),
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "file": {
                    "name": path.name,
                    "bytes": partial.stat().st_size,
                    "sha256": file_sha256(partial),
                },
                "tables": tables,
            }
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        write_manifest(path, manifest)
        if options.get("verbosity", 1) >= 1:
            write_counts(self.stdout, tables)
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde {vendor_label(connection.vendor)} écrite : {path} "
                f"({manifest['file']['bytes'] / 1e6:.1f} Mo), manifeste {manifest_path(path).name}."
            )
        )

    def _sqlite(self, connection, partial: Path) -> dict:
        try:
            connection.ensure_connection()
        except DatabaseError as error:
            raise connection_failure(connection, error) from None
        target = sqlite3.connect(partial)
        try:
            # One step: the source is read in a single read transaction, a consistent
            # snapshot; writers go on meanwhile (WAL).
            connection.connection.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            target.execute("VACUUM")  # no free page keeps deleted rows
        except sqlite3.Error as error:
            raise CommandError(f"Sauvegarde SQLite impossible : {error}") from None
        finally:
            target.close()
        return sqlite_census(partial)

    def _postgresql(self, connection, partial: Path) -> dict:
        arguments, environment = pg_connection_arguments(connection.settings_dict)
        try:
            connection.ensure_connection()
            with transaction.atomic(using=connection.alias):
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    cursor.execute("SELECT pg_export_snapshot()")
                    (snapshot,) = cursor.fetchone()
                run_pg_tool(
                    [
                        pg_program("pg_dump"),
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        "--file",
                        str(partial),
                        *arguments,
                    ],
                    environment,
                )
                return pg_census(connection)
        except DatabaseError as error:
            raise connection_failure(connection, error) from None
