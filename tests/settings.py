"""Test settings: the project's, tasks run at once, and a test-only app plugged into the
registries (tests/plugin_app) to prove that an app plugs in without the foundation changing."""

import os
import tempfile
from pathlib import Path

from territoires.settings import *  # noqa: F403
from territoires.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.plugin_app"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, as in production (WAL, writers waiting for each other up to busy_timeout),
    # not Django's in-memory database, whose shared cache fails concurrent writers at once.
    # One per process: several test runs may share this checkout.
    TEST_DATABASES = Path(tempfile.gettempdir()) / "territoires-tests"
    TEST_DATABASES.mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_DATABASES / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
else:
    # One per process on PostgreSQL too (tests/conftest.py drops those of dead runs).
    DATABASES["default"]["TEST"] = {"NAME": f"test_territoires_{os.getpid()}"}  # noqa: F405
