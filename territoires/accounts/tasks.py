"""Background work of accounts."""

from territoires.accounts import data
from territoires.core.tasks import retried_task


@retried_task()
def apply_retention() -> dict:
    """Retention of accounts (`manage.py apply_retention`), for a scheduler that enqueues
    tasks rather than running commands. Idempotent: a second run the same day does nothing.
    Returns counts only: a task's result is kept (the database backend), addresses are not."""
    report = data.apply_retention()
    return {
        "warned": report.warned,
        "erased": report.erased,
        "withdrawn": report.withdrawn,
        "sessions_cleared": report.sessions_cleared,
        "refused": len(report.refused),
        "unsent": len(report.unsent),
    }
