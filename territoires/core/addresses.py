"""The site's public address, for links that leave it (exports, e-mails)."""

from django.conf import settings

# What `make run` serves: the address of last resort, for links made outside a request.
EMBEDDED = "http://127.0.0.1:8000"


def site_url(request=None) -> str:
    """TERRITOIRES_SITE_URL when it is set; else the address the request came to (so an
    export downloaded from a host links to that host); else the embedded default."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return EMBEDDED
