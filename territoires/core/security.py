"""HTTP security headers Django does not set itself, and the log line of a refused request.

The Content-Security-Policy comes from django-csp (`CONTENT_SECURITY_POLICY` in settings);
HSTS, the HTTPS redirect, Referrer-Policy and Cross-Origin-Opener-Policy from Django's
SecurityMiddleware.
"""

import logging

from django.core.exceptions import PermissionDenied

# Browser features no page of the site uses: denied to the site and to every frame in it.
# Left out on purpose: autoplay, fullscreen and picture-in-picture, which the video players
# (loaded after a click, static/js/video-consent.js) receive through their frame's `allow`
# attribute; listing them here would take them away from every third-party frame.
PERMISSIONS_POLICY = {
    "accelerometer": "()",
    "browsing-topics": "()",
    # Workshops may one day read a QR code with the phone's camera: then `camera=(self)`.
    "camera": "()",
    "display-capture": "()",
    "geolocation": "()",
    "gyroscope": "()",
    "hid": "()",
    "idle-detection": "()",
    "magnetometer": "()",
    "microphone": "()",
    "midi": "()",
    "payment": "()",
    "serial": "()",
    "usb": "()",
    "xr-spatial-tracking": "()",
}
PERMISSIONS_POLICY_HEADER = ", ".join(
    f"{name}={value}" for name, value in PERMISSIONS_POLICY.items()
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY_HEADER)
        return response


class OneLineRefusals(logging.Filter):
    """A 403 raised by a view (`require_perm`) is logged in one line, not with a traceback.

    Django's `django.request` logger writes "Forbidden (Permission denied)" with the
    exception's traceback: a logged-in user could fill the logs by asking for pages they may
    not see. The line names the method, the path and the user's id, nothing personal (no
    e-mail, no name, no query string).
    """

    def filter(self, record):
        exception = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", None) == 403 and isinstance(exception, PermissionDenied):
            request = getattr(record, "request", None)
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else "-"
            record.msg = "Forbidden: %s %s (user %s)"
            record.args = (
                getattr(request, "method", "-"),
                getattr(request, "path", "-"),
                user_id,
            )
            record.exc_info = None
            record.exc_text = None
        return True
