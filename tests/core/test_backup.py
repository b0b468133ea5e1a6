"""`manage.py backup` and `manage.py restore`: SQLite's online backup, pg_dump/pg_restore,
per-table counts and checksums kept in a manifest and checked again once restored.

Both commands run against scratch databases these tests create and drop (an extra alias
in the connections), never the test database in use. The PostgreSQL cases run when the
suite does (DATABASE_URL=postgres://…).
"""

import json
import sqlite3
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.utils import load_backend

from territoires.core.management.commands.backup import manifest_path

ERASED = "zoe.effacee@example.org"

SQLITE_SCHEMA = """
CREATE TABLE person (id INTEGER PRIMARY KEY, email TEXT NOT NULL, photo BLOB, score REAL,
    joined TEXT);
CREATE TABLE tag (name TEXT PRIMARY KEY, uses INTEGER) WITHOUT ROWID;
CREATE TABLE visit (person_id INTEGER REFERENCES person (id), at TEXT);
CREATE VIRTUAL TABLE person_fts USING fts5(email, content='person', content_rowid='id');
"""
POSTGRESQL_SCHEMA = """
CREATE TABLE person (id bigserial PRIMARY KEY, email text NOT NULL, photo bytea,
    score numeric(6, 2), joined timestamptz, facts jsonb);
CREATE TABLE tag (name text PRIMARY KEY, uses integer);
CREATE TABLE visit (person_id bigint REFERENCES person (id), at timestamptz);
"""


class Scratch:
    """A scratch database under an alias of its own, made and dropped by the test."""

    def __init__(self, vendor, tmp_path):
        self.vendor = vendor
        self.tmp_path = tmp_path
        self.aliases = []
        self.pg_names = []

    def database(self, empty=False) -> str:
        alias = f"scratch{len(self.aliases)}"
        base = connections.settings["default"]
        if self.vendor == "sqlite":
            settings = {
                **base,
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(self.tmp_path / f"{alias}.sqlite3"),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
                "HOST": "",
                "PORT": "",
                "USER": "",
                "PASSWORD": "",
            }
        else:
            name = f"territoires_backup_{uuid.uuid4().hex[:12]}"
            self._admin(f'CREATE DATABASE "{name}"')
            self.pg_names.append(name)
            # No connection pool: a pool would keep reconnecting to the database once dropped.
            options = {k: v for k, v in base["OPTIONS"].items() if k != "pool"}
            settings = {**base, "NAME": name, "CONN_MAX_AGE": 0, "OPTIONS": options}
        # Known to `connections` but not to its settings: Django's test case lets such a
        # dynamically created connection through, where it refuses an alias of the settings.
        wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias)
        setattr(connections._connections, alias, wrapper)
        self.aliases.append(alias)
        if not empty:
            self.execute(alias, SQLITE_SCHEMA if self.vendor == "sqlite" else POSTGRESQL_SCHEMA)
            self.fill(alias)
        return alias

    def execute(self, alias, script, params=None):
        with connections[alias].cursor() as cursor:
            for statement in filter(str.strip, script.split(";")):
                cursor.execute(statement, params)

    def rows(self, alias, sql):
        with connections[alias].cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def fill(self, alias):
        photo = bytes(range(256)) * 4
        if self.vendor == "sqlite":
            for number in range(1, 301):
                email = ERASED if number == 7 else f"personne{number}@example.org"
                self.execute(
                    alias,
                    "INSERT INTO person (id, email, photo, score, joined) VALUES (%s, %s, %s, %s, %s)",
                    [number, email, photo, number / 3, f"2025-01-{number % 28 + 1:02d}"],
                )
            self.execute(
                alias, "INSERT INTO person_fts (person_fts) VALUES ('rebuild')"
            )  # index the rows
        else:
            for number in range(1, 301):
                email = ERASED if number == 7 else f"personne{number}@example.org"
                self.execute(
                    alias,
                    "INSERT INTO person (email, photo, score, joined, facts) "
                    "VALUES (%s, %s, %s, now() - %s * interval '1 day', %s)",
                    [email, photo, number / 3, number, json.dumps({"n": number, "é": [1, 2]})],
                )
        self.execute(alias, "INSERT INTO tag (name, uses) VALUES ('énergie', 3), ('eau', 1)")
        self.execute(alias, "INSERT INTO visit (person_id, at) VALUES (1, NULL), (2, NULL)")

    def _admin(self, statement):
        import psycopg

        base = connections.settings["default"]
        with psycopg.connect(
            host=base["HOST"] or None,
            port=base["PORT"] or None,
            user=base["USER"] or None,
            password=base["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(statement)

    def drop(self):
        for alias in self.aliases:
            connections[alias].close()
            delattr(connections._connections, alias)
        for name in self.pg_names:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


VENDORS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            connection.vendor != "postgresql", reason="the suite runs on SQLite"
        ),
    ),
]


@pytest.fixture(params=VENDORS)
def scratch(request, db, tmp_path):
    made = Scratch(request.param, tmp_path)
    yield made
    made.drop()


def _manifest(path):
    return json.loads(manifest_path(path).read_text(encoding="utf-8"))


def test_a_backup_writes_the_file_and_a_manifest_of_counts_and_checksums(scratch, tmp_path, capsys):
    alias = scratch.database()
    path = tmp_path / "sauvegarde"
    call_command("backup", path, database=alias)
    manifest = _manifest(path)
    assert manifest["vendor"] == scratch.vendor and manifest["format"] == 1
    assert {"person", "tag", "visit"} <= set(manifest["tables"])
    assert manifest["tables"]["person"]["rows"] == 300
    assert manifest["tables"]["tag"]["rows"] == 2
    assert len(manifest["tables"]["person"]["sha256"]) == 64
    assert manifest["file"]["bytes"] == path.stat().st_size
    output = capsys.readouterr().out
    assert "person" in output and "300" in output and "Sauvegarde" in output
    # Taking it again gives the same checksums: they describe the rows, not the file.
    call_command("backup", path, database=alias, force=True)
    assert _manifest(path)["tables"] == manifest["tables"]


def test_a_restore_puts_back_every_row_and_checks_each_table(scratch, tmp_path, capsys):
    alias = scratch.database()
    path = tmp_path / "sauvegarde"
    call_command("backup", path, database=alias)
    before = scratch.rows(alias, "SELECT * FROM person ORDER BY id")
    scratch.execute(alias, "DELETE FROM visit; DELETE FROM person WHERE id > 150")
    scratch.execute(alias, "UPDATE tag SET uses = 99; INSERT INTO tag VALUES ('air', 1)")

    with pytest.raises(CommandError, match="n'est pas vide.*--force"):
        call_command("restore", path, database=alias)
    assert scratch.rows(alias, "SELECT count(*) FROM person") == [(150,)]  # untouched

    capsys.readouterr()
    call_command("restore", path, database=alias, force=True)
    assert scratch.rows(alias, "SELECT * FROM person ORDER BY id") == before
    assert scratch.rows(alias, "SELECT name, uses FROM tag ORDER BY name") == [
        ("eau", 1),
        ("énergie", 3),
    ]
    output = capsys.readouterr().out
    assert "sommes de contrôle identiques" in output and "≠" not in output


def test_a_restore_into_an_empty_database_needs_no_force(scratch, tmp_path):
    source, target = scratch.database(), scratch.database(empty=True)
    path = tmp_path / "sauvegarde"
    call_command("backup", path, database=source)
    call_command("restore", path, database=target)
    assert scratch.rows(target, "SELECT count(*) FROM person") == [(300,)]
    # The target's own backup now records the very same tables.
    call_command("backup", tmp_path / "copie", database=target)
    assert _manifest(tmp_path / "copie")["tables"] == _manifest(path)["tables"]


def test_a_person_erased_before_the_backup_stays_erased(scratch, tmp_path):
    alias = scratch.database()
    scratch.execute(alias, "DELETE FROM person WHERE email = %s", [ERASED])
    path = tmp_path / "sauvegarde"
    call_command("backup", path, database=alias)
    if scratch.vendor == "sqlite":
        # Vacuumed: no free page of the file keeps the deleted row's bytes.
        assert ERASED.encode() not in path.read_bytes()
    restored = scratch.database(empty=True)
    call_command("restore", path, database=restored)
    assert scratch.rows(restored, "SELECT count(*) FROM person") == [(299,)]
    assert scratch.rows(restored, f"SELECT id FROM person WHERE email = '{ERASED}'") == []


def test_the_restore_fails_when_a_table_differs_from_the_manifest(scratch, tmp_path):
    alias = scratch.database()
    path = tmp_path / "sauvegarde"
    call_command("backup", path, database=alias)
    manifest = _manifest(path)
    manifest["tables"]["tag"]["rows"] = 3
    manifest["tables"]["person"]["sha256"] = "0" * 64
    manifest_path(path).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("restore", path, database=alias, force=True)
    assert "tag : 2 lignes au lieu de 3" in str(refused.value)
    assert "person : même nombre de lignes, contenu différent" in str(refused.value)


def test_the_commands_refuse_clearly_in_french(scratch, tmp_path):
    alias = scratch.database()
    path = tmp_path / "sauvegarde"
    with pytest.raises(CommandError, match="Fichier de sauvegarde introuvable"):
        call_command("restore", tmp_path / "absente", database=alias)
    with pytest.raises(CommandError, match="Dossier introuvable"):
        call_command("backup", tmp_path / "absent" / "sauvegarde", database=alias)

    call_command("backup", path, database=alias)
    with pytest.raises(CommandError, match="existe déjà.*--force"):
        call_command("backup", path, database=alias)

    manifest = manifest_path(path).read_bytes()
    manifest_path(path).unlink()
    with pytest.raises(CommandError, match="Manifeste introuvable"):
        call_command("restore", path, database=alias, force=True)
    manifest_path(path).write_text("{pas du json", encoding="utf-8")
    with pytest.raises(CommandError, match="Manifeste illisible"):
        call_command("restore", path, database=alias, force=True)
    manifest_path(path).write_bytes(manifest)

    with path.open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(CommandError, match="ne correspond pas à son manifeste"):
        call_command("restore", path, database=alias, force=True)

    other = tmp_path / "autre"
    other.write_bytes(b"ni SQLite ni pg_dump")
    manifest_path(other).write_bytes(manifest)
    with pytest.raises(CommandError, match="n'est pas une sauvegarde faite par manage.py backup"):
        call_command("restore", other, database=alias, force=True)


def test_a_backup_of_the_other_kind_of_database_is_refused(scratch, tmp_path):
    alias = scratch.database()
    path = tmp_path / "sauvegarde"
    call_command("backup", path, database=alias)
    manifest = _manifest(path)
    if scratch.vendor == "sqlite":  # pretend it is a pg_dump file
        path.write_bytes(b"PGDMP" + path.read_bytes()[5:])
        manifest["vendor"], expected = (
            "postgresql",
            "sauvegarde PostgreSQL ; la base configurée est SQLite",
        )
    else:
        path.write_bytes(b"SQLite format 3\x00" + path.read_bytes()[16:])
        manifest["vendor"], expected = (
            "sqlite",
            "sauvegarde SQLite ; la base configurée est PostgreSQL",
        )
    manifest["file"]["sha256"] = __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    manifest_path(path).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError, match=expected):
        call_command("restore", path, database=alias, force=True)


def test_a_sqlite_backup_is_online_and_leaves_out_what_is_not_committed(db, tmp_path):
    scratch = Scratch("sqlite", tmp_path)
    try:
        alias = scratch.database()
        writer = sqlite3.connect(connections[alias].settings_dict["NAME"])
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO tag VALUES ('pas encore', 0)")
        path = tmp_path / "sauvegarde"
        call_command("backup", path, database=alias)  # while a writer holds its transaction
        writer.rollback()
        writer.close()
        assert _manifest(path)["tables"]["tag"]["rows"] == 2
        with sqlite3.connect(path) as copy:
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        copy.close()
    finally:
        scratch.drop()


def test_a_backup_inside_a_transaction_is_refused_rather_than_waiting_forever(tmp_path):
    """The test database is inside the test's transaction: SQLite's backup would wait for
    it to end, PostgreSQL could not export its snapshot."""
    with pytest.raises(CommandError, match="hors de toute transaction"):
        call_command("backup", tmp_path / "territoires")
    assert not (tmp_path / "territoires").exists()
