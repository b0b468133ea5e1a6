import time

from django.core.management.base import BaseCommand


class TimedCommand(BaseCommand):
    """Base of the project's commands: logs how long the work took."""

    def execute(self, *args, **options):
        started = time.perf_counter()
        result = super().execute(*args, **options)
        if options.get("verbosity", 1) >= 1:
            self.stderr.write(f"({time.perf_counter() - started:.1f} s)")
        return result
