"""The language switch of every page: /langue/<code>/?suivant=<an address of this site>.

Django's own `set_language` wants a POST with a CSRF token, and visitors' pages carry none
(they are cached whole, see core/portrait.py `visitor_page`): the switch is a plain link.
Following it sets the language cookie that LocaleMiddleware reads before Accept-Language
(LANGUAGE_COOKIE_* in settings) and goes back to the page, in the chosen language. Nothing
else changes on the server. Only an address of this site is followed: any other (another
host, another scheme, `//evil.example`) leads to the home page instead.
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

NEXT = "suivant"


def safe_next(request) -> str:
    """The address to go back to: `suivant` if it is on this site, else the home page."""
    target = request.GET.get(NEXT, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("www:home")


@never_cache  # the answer sets a cookie: no shared cache may keep it
@require_GET
def switch_language(request, code):
    languages = dict(settings.LANGUAGES)
    if code not in languages:
        raise Http404(
            _("Langue inconnue. Langues proposées : %(languages)s.")
            % {"languages": ", ".join(languages)}
        )
    response = HttpResponseRedirect(safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
