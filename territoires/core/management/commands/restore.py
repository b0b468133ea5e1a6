"""`manage.py restore PATH [--force]`: put back a backup made by `manage.py backup`.

Stop the application first — web server and task worker: a process still running keeps
what it read before (its connections, its search facet table) and SQLite refuses to
restore under a writer.

Nothing is written before these checks pass: the file exists and its manifest is beside it,
the file is the one the manifest describes (sha256), it comes from the kind of database the
settings name (a SQLite copy cannot go into PostgreSQL, nor the reverse), and the database
holds no row (`--force` replaces one that does). Then:

- SQLite: the copy is written into the configured database through the online backup API
  (the database keeps its WAL mode; its previous content is replaced as a whole);
- PostgreSQL: `pg_restore --clean --if-exists --single-transaction` (all or nothing), with
  `--no-owner --no-privileges` so that the settings' role owns what it restores.

Afterwards every table of the manifest is counted and hashed again: the command fails,
naming the tables, when one differs from what the backup recorded.
"""

import sqlite3
from pathlib import Path

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from territoires.core.command import TimedCommand
from territoires.core.management.commands.backup import (
    PGDUMP_HEADER,
    SQLITE_HEADER,
    compare,
    connection_failure,
    database_label,
    file_sha256,
    non_empty,
    pg_census,
    pg_connection_arguments,
    pg_program,
    read_manifest,
    run_pg_tool,
    sqlite_census,
    sqlite_path,
    vendor_label,
    write_counts,
)


class Command(TimedCommand):
    help = "Restaure une sauvegarde faite par manage.py backup (application arrêtée) et vérifie chaque table."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Fichier de sauvegarde à restaurer")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Remplace le contenu d'une base qui n'est pas vide",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Base à restaurer (alias des réglages)"
        )

    def handle(self, *args, path, force=False, database=DEFAULT_DB_ALIAS, **options):
        path = path.resolve()
        if not path.is_file():
            raise CommandError(f"Fichier de sauvegarde introuvable : {path}")
        manifest = read_manifest(path)
        connection = connections[database]
        self._check_kind(path, manifest, connection)
        if file_sha256(path) != manifest["file"]["sha256"]:
            raise CommandError(
                f"{path.name} ne correspond pas à son manifeste (fichier modifié ou tronqué) : "
                "rien n'a été restauré."
            )
        if connection.vendor == "sqlite":
            found = self._sqlite(path, connection, force)
        else:
            found = self._postgresql(path, connection, force)
        expected = manifest["tables"]
        if options.get("verbosity", 1) >= 1:
            write_counts(self.stdout, found, expected)
        problems = compare(expected, found)
        if problems:
            raise CommandError(
                "La base restaurée diffère de la sauvegarde : " + " ; ".join(problems)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde du {manifest.get('created_at', '?')} restaurée dans "
                f"« {database_label(connection)} » : {len(expected)} tables, lignes et sommes "
                "de contrôle identiques."
            )
        )

    def _check_kind(self, path: Path, manifest: dict, connection):
        if connection.vendor not in ("sqlite", "postgresql"):
            raise CommandError(
                f"Base {connection.vendor} : seules SQLite et PostgreSQL sont prises en charge."
            )
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
        kind = (
            "sqlite"
            if header.startswith(SQLITE_HEADER)
            else "postgresql"
            if header.startswith(PGDUMP_HEADER)
            else None
        )
        if kind is None or kind != manifest["vendor"]:
            raise CommandError(f"{path.name} n'est pas une sauvegarde faite par manage.py backup.")
        if kind != connection.vendor:
            raise CommandError(
                f"{path.name} est une sauvegarde {vendor_label(kind)} ; la base configurée est "
                f"{vendor_label(connection.vendor)} : rien n'a été restauré."
            )

    def _refuse_if_occupied(self, census: dict, force: bool, connection):
        occupied = non_empty(census)
        if occupied and not force:
            largest = sorted(occupied.items(), key=lambda item: -item[1])[:5]
            raise CommandError(
                f"La base « {database_label(connection)} » n'est pas vide "
                f"({sum(occupied.values())} lignes dans {len(occupied)} tables, dont "
                + ", ".join(f"{name} : {rows}" for name, rows in largest)
                + ") : ajoutez --force pour remplacer son contenu par la sauvegarde."
            )

    def _sqlite(self, path: Path, connection, force: bool) -> dict:
        target = sqlite_path(connection)
        if target is None:
            raise CommandError("La base configurée est en mémoire : rien à y restaurer.")
        if target.exists():
            self._refuse_if_occupied(sqlite_census(target, counts_only=True), force, connection)
        source = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.OperationalError as error:
            raise CommandError(
                f"Restauration SQLite impossible ({error}) : arrêtez l'application (serveur web "
                "et worker) avant de restaurer."
            ) from None
        except (sqlite3.Error, DatabaseError) as error:
            raise CommandError(f"Restauration SQLite impossible : {error}") from None
        finally:
            source.close()
            connection.close()
        return sqlite_census(target)

    def _postgresql(self, path: Path, connection, force: bool) -> dict:
        try:
            self._refuse_if_occupied(pg_census(connection, counts_only=True), force, connection)
        except DatabaseError as error:
            raise connection_failure(connection, error) from None
        finally:
            connection.close()  # holds no lock while pg_restore drops and creates
        arguments, environment = pg_connection_arguments(connection.settings_dict)
        run_pg_tool(
            [
                pg_program("pg_restore"),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                *arguments,
                str(path),
            ],
            environment,
        )
        try:
            return pg_census(connection)
        except DatabaseError as error:
            raise connection_failure(connection, error) from None
