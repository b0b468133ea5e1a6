"""The database out of reach is a clean French 503, never a 500 with a traceback.

When PostgreSQL restarts or a SQLite database stays locked, a view's query raises
`OperationalError` (or `InterfaceError` on a connection already closed). This middleware
answers such a view with the 503 page (`templates/503.html`, rendered without touching the
database) or, for the API, a JSON message, both with `Retry-After`. Django closes a
connection that raised such an error at the end of the request, so the next request opens
a new one: the site recovers by itself once the database is back, without a restart.

The API's responses are read by pydantic, which wraps an error raised while reading them
(a lazy relation loaded as the connection drops) in its own ValidationError: recognised
too. SQLite reports a schema out of step with the code ("no such table") as an
`OperationalError`: that is a bug, not an outage, and stays a 500.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
API_PREFIX = "/api/"
MESSAGE = "Service momentanément indisponible : réessayez dans quelques instants."
SCHEMA_ERRORS = ("no such table", "no such column", "has no column named", "syntax error")
DATABASE_ERRORS = (OperationalError, InterfaceError)
# How pydantic names an error it caught while reading an attribute or iterating a queryset.
NAMED_IN_VALIDATION = tuple(f"{error.__name__}:" for error in DATABASE_ERRORS)


def database_unavailable(exception: BaseException | None) -> bool:
    """A database error (or one raised from it), or the API's serialisation stopped by one."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        if isinstance(exception, DATABASE_ERRORS):
            return _outage(str(exception))
        if any(_outage(text) for text in _named_in_validation(exception)):
            return True
        exception = exception.__cause__
    return False


def _outage(text: str) -> bool:
    return not any(marker in text.lower() for marker in SCHEMA_ERRORS)


def _named_in_validation(exception: BaseException) -> list[str]:
    """The API's responses are read by pydantic, which turns an error raised while it reads
    an object's attribute (a lazy relation) or iterates a queryset into its own
    ValidationError, the original named in a string: "OperationalError: server closed…"."""
    errors = getattr(exception, "errors", None)
    if not callable(errors):
        return []
    try:
        details = errors()
    except Exception:  # noqa: BLE001 — not pydantic's: not ours to read
        return []
    found = []
    for detail in details if isinstance(details, list) else []:
        context = (detail.get("ctx") or {}) if isinstance(detail, dict) else {}
        error = str(context.get("error", ""))
        if error.startswith(NAMED_IN_VALIDATION):
            found.append(error)
    return found


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        logger.warning(
            "database unavailable, 503 for %s %s: %s",
            request.method,
            request.path,
            str(exception).strip(),
        )
        if request.path.startswith(API_PREFIX):
            response = JsonResponse({"message": MESSAGE}, status=503)
        else:
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
