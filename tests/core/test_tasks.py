"""The task queue: tasks enqueued once committed, run by the database worker, retried,
their failures recorded; the photo variants and the search reindex as its first users."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from territoires.core import search
from territoires.core.tasks import retried_task
from territoires.initiatives import services
from territoires.initiatives.models import Photo, PhotoUpload, Theme
from territoires.territories.search_documents import territory_documents
from territoires.territories.services import registry_import
from tests.conftest import SAMPLE_DIR
from tests.initiatives.factories import jpeg_with_gps

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def run_worker(monkeypatch):
    """The database worker, as `make run` starts it, for one batch of tasks. It closes
    connections between tasks, which would end the test's own transaction: not here."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, verbosity=0
    )


@retried_task(attempts=2, first_delay=timedelta(0))
def fails_once(slug: str):
    """Fails the first time: it leaves a theme behind, which the second run finds."""
    if Theme.objects.filter(slug=slug).exists():
        return "done"
    Theme.objects.create(slug=slug, name="Essai")
    raise RuntimeError("a first failure")


def test_the_database_worker_makes_a_photos_variants(
    settings, django_capture_on_commit_callbacks, town, run_worker
):
    settings.TASKS = DATABASE
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.save_photo(
            jpeg_with_gps(), alt="Les champs", credit="Commune", territory=town
        )
    photo.refresh_from_db()
    assert not photo.is_ready and PhotoUpload.objects.filter(photo=photo).exists()
    assert DBTaskResult.objects.ready().count() == 1

    run_worker()

    photo.refresh_from_db()
    assert photo.is_ready and {v["format"] for v in photo.variants} == {"webp", "jpeg"}
    assert not PhotoUpload.objects.filter(photo=photo).exists()  # the upload is forgotten
    assert DBTaskResult.objects.successful().count() == 1
    # Idempotent: running it again changes nothing.
    from territoires.initiatives.tasks import make_photo_variants

    make_photo_variants.call(photo.pk)
    assert Photo.objects.get(pk=photo.pk).variants == photo.variants


def test_a_failed_task_is_recorded_then_retried(settings, run_worker):
    settings.TASKS = DATABASE
    with transaction.atomic():
        fails_once.enqueue("zz-retry")
    run_worker()  # the failure enqueues the second attempt, which this run picks up too
    failed, succeeded = DBTaskResult.objects.failed(), DBTaskResult.objects.successful()
    assert failed.count() == 1 and "a first failure" in failed.get().traceback
    assert succeeded.count() == 1 and succeeded.get().return_value == "done"


def test_a_file_that_cannot_be_decoded_is_refused_without_retrying(
    django_capture_on_commit_callbacks, town
):
    truncated = jpeg_with_gps()[:-4000]  # its headers are whole, its pixels are not
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.save_photo(truncated, alt="Coupée", credit="Commune", territory=town)
    photo.refresh_from_db()
    assert not photo.is_ready and "endommagée" in photo.problem
    assert not PhotoUpload.objects.filter(photo=photo).exists()


def test_the_registry_import_reindexes_territories_once_committed(
    django_capture_on_commit_callbacks, town
):
    """A territory renamed behind the registry's back: the import puts its name back, and
    its search document follows, through the task it enqueues."""
    type(town).objects.filter(pk=town.pk).update(name="Ancien nom")
    search.index_documents(territory_documents(type(town).objects.filter(pk=town.pk)))
    assert search.search(search.SearchQuery(text="ancien nom")).total == 1
    with django_capture_on_commit_callbacks(execute=True):
        report = registry_import.import_registry(SAMPLE_DIR, force=True)
    assert report.updated == 1
    assert search.search(search.SearchQuery(text="ancien nom")).total == 0
    assert [hit.object_id for hit in search.search(search.SearchQuery(text="mouans")).hits][:1] == [
        town.pk
    ]


@pytest.mark.parametrize("name", ["index_territories", "make_photo_variants"])
def test_tasks_are_importable_by_their_path(name):
    """Workers find a task by its module path: it must be the task itself."""
    from django.utils.module_loading import import_string

    path = {
        "index_territories": "territoires.territories.tasks.index_territories",
        "make_photo_variants": "territoires.initiatives.tasks.make_photo_variants",
    }[name]
    assert import_string(path).module_path == path


def test_an_import_whose_reindexing_never_ran_is_indexed_by_the_next_run(
    django_capture_on_commit_callbacks, town
):
    """Found by killing the import at random: killed after its commit but before the
    search was indexed again, the next run — finding nothing to change — left the index
    behind for good."""
    from territoires.territories.models import RegistryImport

    type(town).objects.filter(pk=town.pk).update(name="Ancien nom")
    search.index_documents(territory_documents(type(town).objects.filter(pk=town.pk)))
    registry_import.import_registry(SAMPLE_DIR, force=True)  # its task never runs: killed
    assert not RegistryImport.objects.latest().indexed
    assert search.search(search.SearchQuery(text="ancien nom")).total == 1
    with django_capture_on_commit_callbacks(execute=True):
        report = registry_import.import_registry(SAMPLE_DIR)  # unchanged: skipped…
    assert report.skipped
    assert search.search(search.SearchQuery(text="ancien nom")).total == 0  # …yet indexed
    assert RegistryImport.objects.latest().indexed
