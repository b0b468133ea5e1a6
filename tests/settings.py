"""Test settings: the project's, tasks run at once, and a test-only app plugged into the
registries (tests/plugin_app) to prove that an app plugs in without the foundation changing."""

from territoires.settings import *  # noqa: F403
from territoires.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.plugin_app"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
