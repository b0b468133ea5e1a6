"""The sections of a territory's portrait, which the apps register.

    portrait.sections.register(
        PortraitSection(
            name="jalons",                         # the section's id: section-jalons
            order=30,
            template="initiatives/partials/milestones.html",   # renders the whole <section>
            load=lambda territory, user: {"entries": …},       # its template's context
            edit_permission="initiatives.edit_portrait",     # on the territory; "" = read-only
        )
    )

The portrait page (`www`) renders every registered section in order; an app re-renders its
own section after an edit in place (HTMX) with `render`. A section's template receives
`territory`, `section` (its name), `can_edit` and what `load` returns.

Visitors who may edit no section all see the same portrait: its cached sections are
rendered once per version of the territory's content (`territoires.core.versions`) and
language, and served from the cache until an edit changes the version, whatever process
made it. A section whose HTML depends on more than the territory's own content (other
territories, the time) says `cached=False` and is rendered at each visit.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from territoires.core import versions
from territoires.core.registries import Registry

CACHE_SECONDS = 24 * 3600  # a version never comes back: entries only need to expire


TOP = "top"  # above the territory's name: the large photograph
MAIN = "main"


@dataclass(frozen=True)
class PortraitSection:
    name: str
    order: int
    template: str
    load: Callable[[Any, Any], dict]
    edit_permission: str = ""
    cached: bool = True
    region: str = MAIN

    def can_edit(self, user, territory) -> bool:
        return bool(self.edit_permission) and user.has_perm(self.edit_permission, territory)


sections: Registry[PortraitSection] = Registry("portrait section")


def render(section: PortraitSection, request, territory, can_edit: bool | None = None):
    """One section's HTML for this request's user."""
    if can_edit is None:
        can_edit = section.can_edit(request.user, territory)
    context = {
        "territory": territory,
        "section": section.name,
        "can_edit": can_edit,
        **section.load(territory, request.user),
    }
    return mark_safe(render_to_string(section.template, context, request=request))


def render_all(request, territory) -> list[tuple[PortraitSection, SafeString]]:
    """Every section and its HTML, in order: from the cache for those who may edit none."""
    editable = {section.name: section.can_edit(request.user, territory) for section in sections}
    if any(editable.values()):
        return [
            (section, render(section, request, territory, editable[section.name]))
            for section in sections
        ]
    key = _cache_key(territory)
    stored = cache.get(key)
    if stored is None:
        stored = {
            section.name: render(section, request, territory, False)
            for section in sections
            if section.cached
        }
        cache.set(key, stored, CACHE_SECONDS)
    return [
        (
            section,
            mark_safe(stored[section.name])
            if section.name in stored
            else render(section, request, territory, False),
        )
        for section in sections
    ]


def _cache_key(territory, scope: str = "sections") -> str:
    content = versions.of((versions.TERRITORY, territory.pk), (versions.SHARED, 0))
    names = hashlib.blake2b(",".join(sections.names()).encode(), digest_size=6).hexdigest()
    return f"portrait:{scope}:{get_language()}:{territory.pk}:{content}:{names}"


# A visitor's whole page holds the sections that are not cached too (similar territories,
# whose own data is kept five minutes): it is kept as long, at most.
PAGE_SECONDS = 300


def visitor_page(request, territory, build):
    """The whole page for a visitor (not logged in, no message waiting), from the cache:
    `build()` makes the response when the territory's content changed. Everyone else
    gets `build()`. `territory` needs only its pk."""
    if request.user.is_authenticated or _has_messages(request):
        return build()
    key = _cache_key(territory, "page")
    cached = cache.get(key)
    if cached is not None:
        return HttpResponse(cached)
    response = build()
    if response.status_code == 200:
        cache.set(key, response.content, PAGE_SECONDS)
    return response


def _has_messages(request) -> bool:
    # Counting them does not mark them read: the page built next still shows them.
    return len(messages.get_messages(request)) > 0
