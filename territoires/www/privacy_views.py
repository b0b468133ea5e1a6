"""The privacy page: who answers for personal data, what is kept, why, for how long, and
how people exercise their rights (CNIL's guidance for the information of the people).

What is kept is read from the registry of personal data (core/personal_data.py), so that
the page says what the apps actually keep."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from territoires.core import personal_data


@require_GET
def privacy(request):
    contact = settings.PRIVACY_CONTACT.strip()
    return render(
        request,
        "www/privacy.html",
        {
            "controller": settings.PRIVACY_CONTROLLER.strip(),
            "contact": contact,
            "contact_is_email": "@" in contact and " " not in contact and ":" not in contact,
            "contact_is_url": contact.startswith(("https://", "http://")),
            "holders": [holder for holder in personal_data.holders if holder.enabled()],
            "warning_days": settings.INACTIVE_WARNING_DAYS,
            "erasure_days": settings.INACTIVE_ERASURE_DAYS,
            "licence": settings.CONTENT_LICENCE,
            "licence_url": settings.CONTENT_LICENCE_URL,
        },
    )
