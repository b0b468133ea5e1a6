from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


class LoginRequired(PermissionDenied):
    """Raised for visitors: they are sent to the login page rather than shown a 403."""


def require_perm(user, perm: str, obj=None):
    """Stop the view unless the rule allows it; views call this before anything else."""
    if user.has_perm(perm, obj):
        return
    if not user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, LoginRequired):
            return redirect_to_login(request.get_full_path())
        return None
