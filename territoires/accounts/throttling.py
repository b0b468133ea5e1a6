"""Throttling of logins, password resets and sign-ups (settings: « Throttling » section).

Logins are counted by django-axes (its database handler: every process sees the same
counts), by account and by (IP address, account), never by IP address alone. This module
gives its lockout page: the login form again, HTTP 429, and a French message saying when
to retry.

Password reset requests and sign-ups are counted here, in the cache, over a sliding period
(`THROTTLE_PERIOD_MINUTES`): by e-mail address, whether or not it has an account, and by IP
address, more generously. Each count is a list of the times of the uses still in the
period; reading and writing it are two steps, so two requests at the same instant may both
pass: a limit here is a bound on abuse, not an exact quota.
"""

import hashlib
import math
import time
from datetime import timedelta

from axes.helpers import (
    get_client_ip_address,
    get_client_username,
    get_cool_off,
    get_failure_limit,
)
from axes.models import AccessAttempt
from axes.utils import reset as reset_axes
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from territoires.accounts.forms import EmailAuthenticationForm

# What is counted, and the setting that holds its limit per period.
PASSWORD_RESET_BY_EMAIL = ("password-reset-email", "PASSWORD_RESET_PER_EMAIL")
PASSWORD_RESET_BY_IP = ("password-reset-ip", "PASSWORD_RESET_PER_IP")
SIGNUP_BY_EMAIL = ("signup-email", "SIGNUP_PER_EMAIL")
SIGNUP_BY_IP = ("signup-ip", "SIGNUP_PER_IP")


def now() -> float:
    """The clock of the counts (seconds); tests move it forward."""
    return time.time()


def hit(rule: tuple[str, str], identity: str) -> int | None:
    """Count one use of `rule` by `identity` (an e-mail or IP address).

    None when it is within the limit (the use is counted); otherwise the number of
    seconds until the next use will be, and the refused use is not counted (so that
    insisting does not push the end of the wait further away).
    """
    scope, setting = rule
    limit = getattr(settings, setting)
    period = settings.THROTTLE_PERIOD_MINUTES * 60
    digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()
    key = f"throttle:{scope}:{digest}"
    moment = now()
    uses = sorted(t for t in cache.get(key, []) if t > moment - period)
    if len(uses) >= limit:
        # Allowed again once enough of the oldest uses have left the period.
        return max(1, math.ceil(uses[len(uses) - limit] + period - moment))
    uses.append(moment)
    cache.set(key, uses, timeout=period)
    return None


def client_ip(request) -> str:
    """The client's IP address, found as django-axes finds it for logins."""
    return get_client_ip_address(request) or ""


def minutes(seconds: float) -> int:
    """Whole minutes to wait, rounded up: never « 0 minutes »."""
    return max(1, math.ceil(seconds / 60))


def too_many_requests_message(seconds: float) -> str:
    count = minutes(seconds)
    return ngettext(
        "Trop de demandes depuis cette connexion : réessayez dans %(minutes)d minute.",
        "Trop de demandes depuis cette connexion : réessayez dans %(minutes)d minutes.",
        count,
    ) % {"minutes": count}


# --- Logins (django-axes) ----------------------------------------------------------------


def login_lockout_message(seconds: float) -> str:
    count = minutes(seconds)
    return ngettext(
        "Trop de tentatives pour ce compte : réessayez dans %(minutes)d minute.",
        "Trop de tentatives pour ce compte : réessayez dans %(minutes)d minutes.",
        count,
    ) % {"minutes": count}


def login_lock_remaining(request, username: str) -> float:
    """Seconds until `username` may log in again from this request's address.

    django-axes keeps one row per (account, IP address, browser) with its failures and the
    time of the last one; a row counts while that time is within the cool-off. The lock
    holds while the recent rows add up to the limit: it ends when the row that completes
    the limit, counting from the most recent, leaves the cool-off.
    """
    cool_off = get_cool_off(request) or timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    limit = get_failure_limit(request, {settings.AXES_USERNAME_FORM_FIELD: username})
    moment = timezone.now()
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=moment - cool_off)
    ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
    ends = []
    for attempts in (recent, recent.filter(ip_address=ip_address)):
        total = 0
        rows = attempts.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"
        )
        for attempt_time, failures in rows:
            total += failures
            if total >= limit:
                ends.append(attempt_time + cool_off)
                break
    if not ends:  # the lock was lifted meanwhile: say the longest wait rather than nothing
        return cool_off.total_seconds()
    return max((max(ends) - moment).total_seconds(), 0)


def lockout_response(request, response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the login page again, with a 429 and when to retry.

    Axes calls it with (request, response, credentials), or, in its ASGI path, with the
    credentials where the response should be: the username is taken from wherever it is.
    """
    if not isinstance(credentials, dict):
        credentials = response if isinstance(response, dict) else None
    credentials = credentials or getattr(request, "axes_credentials", None)
    username = (get_client_username(request, credentials) or "").strip().lower()
    seconds = login_lock_remaining(request, username)
    form = EmailAuthenticationForm(request, initial={"username": username})
    page = render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": request.POST.get("next", ""),
            "lockout_message": login_lockout_message(seconds),
        },
        status=429,
    )
    page["Retry-After"] = str(math.ceil(seconds))
    return page


def forget_login_failures(username: str) -> None:
    """Lift the lock of an account whose owner proved they hold its address (a new password
    chosen through a reset link)."""
    reset_axes(username=username.lower())
