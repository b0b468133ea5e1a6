from django.core.exceptions import PermissionDenied


def require_perm(user, perm: str, obj=None):
    """Raise 403 unless the rule allows it; views call this before anything else."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied
