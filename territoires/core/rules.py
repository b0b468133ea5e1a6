"""Permissions on what third-party apps keep for the platform, in the admin: staff see the
task queue's results (a failed task shows there with its traceback), the history of
changes, and the failed logins — and may delete a lock to let someone in again."""

import rules

for app, models in {
    "django_tasks_database": ["dbtaskresult"],
    "auditlog": ["logentry"],
    "axes": ["accessattempt", "accessfailurelog", "accesslog"],
}.items():
    rules.add_perm(app, rules.is_staff)
    for model in models:
        rules.add_perm(f"{app}.view_{model}", rules.is_staff)
rules.add_perm("axes.delete_accessattempt", rules.is_staff)
