"""Background work, through Django's task interface (the `django-tasks` backport).

    @retried_task()
    def make_photo_variants(photo_id: int): …            # idempotent: may run twice
    transaction.on_commit(lambda: make_photo_variants.enqueue(photo.pk))

The backend is a setting (docs/deployment.md): the database (`django-tasks-db`, a worker
started beside the web server by `make run`: `manage.py db_worker`) by default, RQ on
Redis at scale, tasks run at once in the tests. A task that fails is recorded as failed
with its traceback (the admin's « Résultats des tâches » for the database backend) and
enqueued again, later each time, until it has run `attempts` times.
"""

import functools
import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

ATTEMPTS = 3
FIRST_DELAY = timedelta(seconds=30)


def retried_task(*, attempts: int = ATTEMPTS, first_delay: timedelta = FIRST_DELAY, **options):
    """`django_tasks.task`, enqueued again after a failure, up to `attempts` runs in all,
    waiting twice as long each time (when the backend can defer a task)."""

    def decorate(function):
        @functools.wraps(function)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception:
                if attempt < attempts:
                    logger.warning(
                        "task %s failed (attempt %s), retried", function.__name__, attempt
                    )
                    _again(the_task, attempt, first_delay).enqueue(
                        *args, attempt=attempt + 1, **kwargs
                    )
                raise

        the_task = task(**options)(run)
        return the_task

    return decorate


def _again(the_task, attempt: int, first_delay: timedelta):
    if not the_task.get_backend().supports_defer:
        return the_task
    return the_task.using(run_after=timezone.now() + first_delay * 2 ** (attempt - 1))
