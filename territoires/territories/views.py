from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from territoires.accounts.enums import Role
from territoires.accounts.models import Membership, User
from territoires.accounts.services import (
    LastAdminError,
    change_role,
    grant_membership,
    revoke_membership,
)
from territoires.core.permissions import require_perm
from territoires.initiatives.selectors import portrait_sections
from territoires.territories import selectors, services
from territoires.territories.enums import TerritoryKind
from territoires.territories.forms import (
    AddMemberForm,
    ChangeRoleForm,
    PresentationForm,
    ProjectTerritoryForm,
)


def _territory_or_404(kind, code):
    if kind not in TerritoryKind.values:
        raise Http404(_("Type de territoire inconnu."))
    territory = selectors.territory_by_code(kind, code)
    if territory is None:
        raise Http404(_("Aucun territoire ne porte ce code."))
    return territory


@require_GET
def detail(request, kind, code, slug=None):
    """The portrait of a territory: figures, trajectory, people's words, initiatives."""
    territory = _territory_or_404(kind, code)
    if slug != territory.slug:
        return redirect(territory, permanent=True)
    members = selectors.members_of(territory)
    context = {
        **portrait_sections(territory, request.user),
        "similar": selectors.similar_territories(territory, limit=4),
        "territory": territory,
        "members": members,
        "member_count": members.count(),
        "can_edit": request.user.has_perm("territories.change_presentation", territory),
        "can_see_team": request.user.has_perm("territories.view_members", territory),
        "can_edit_project": territory.is_project
        and request.user.has_perm("territories.change_project", territory),
    }
    return render(request, "territories/detail.html", context)


@require_GET
def similar(request, kind, code, slug):
    territory = _territory_or_404(kind, code)
    return render(
        request,
        "territories/similar.html",
        {
            "territory": territory,
            "similar": selectors.similar_territories(territory, limit=24),
        },
    )


@require_http_methods(["GET", "POST"])
def edit_presentation(request, kind, code, slug):
    territory = _territory_or_404(kind, code)
    require_perm(request.user, "territories.change_presentation", territory)
    form = PresentationForm(request.POST or None, instance=territory)
    if request.method == "POST" and form.is_valid():
        form.save()
        if request.htmx:
            return render(
                request,
                "territories/partials/presentation.html",
                {"territory": territory, "can_edit": True},
            )
        messages.success(request, _("Présentation enregistrée."))
        return redirect(territory)
    template = (
        "territories/partials/presentation_form.html"
        if request.htmx
        else "territories/presentation_edit.html"
    )
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"territory": territory, "form": form}, status=status)


@require_GET
def search(request):
    """The search box's suggestions (HTMX partial) or a full page of results."""
    query = request.GET.get("q", "")[:100]
    if request.htmx:
        results = selectors.search_territories(query, limit=8)
        return render(
            request, "territories/partials/suggestions.html", {"results": results, "query": query}
        )
    results = selectors.search_territories(query, limit=50)
    return render(request, "territories/search.html", {"results": results, "query": query})


@require_GET
def tile(request, z, x, y):
    archive = services.open_archive()
    if archive is None:
        raise Http404(_("L'atlas n'a pas encore été construit."))
    if not archive.covers(z, x, y):
        raise Http404(
            _("Tuile hors de l'atlas : le zoom va de %(first)s à %(last)s, x et y de 0 à 2^z − 1.")
            % {"first": archive.zooms.start, "last": archive.zooms.stop - 1}
        )
    data = archive.tile(z, x, y)
    if data is None:
        response = HttpResponse(status=204)
    else:
        response = HttpResponse(data, content_type="application/vnd.mapbox-vector-tile")
        response["Content-Encoding"] = "gzip"
    # The address carries the archive's version, so the tile never changes under it.
    patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    return response


@require_http_methods(["GET", "POST"])
def team(request, kind, code, slug):
    territory = _territory_or_404(kind, code)
    require_perm(request.user, "territories.view_members", territory)
    can_manage = request.user.has_perm("territories.manage_members", territory)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST":
        require_perm(request.user, "territories.manage_members", territory)
        if form.is_valid():
            user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
            if user is None:
                form.add_error(
                    "email",
                    _("Aucun compte n'utilise cette adresse : invitez la personne à en créer un."),
                )
            else:
                grant_membership(user, territory, Role(form.cleaned_data["role"]))
                messages.success(
                    request, _("%(user)s fait désormais partie de l'équipe.") % {"user": user}
                )
                return redirect("territories:team", kind=kind, code=code, slug=slug)
    memberships = (
        Membership.objects.filter(territory=territory)
        .select_related("user")
        .order_by("user__email")
    )
    return render(
        request,
        "territories/team.html",
        {
            "territory": territory,
            "memberships": memberships,
            "form": form,
            "can_manage": can_manage,
            "roles": Role.choices,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def team_member(request, kind, code, slug, membership_id):
    territory = _territory_or_404(kind, code)
    require_perm(request.user, "territories.manage_members", territory)
    membership = get_object_or_404(Membership, pk=membership_id, territory=territory)
    try:
        if request.POST.get("action") == "remove":
            revoke_membership(membership)
            messages.success(request, _("Membre retiré de l'équipe."))
        else:
            form = ChangeRoleForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Rôle inconnu."))
                return redirect("territories:team", kind=kind, code=code, slug=slug)
            change_role(membership, Role(form.cleaned_data["role"]))
            messages.success(request, _("Rôle modifié."))
    except LastAdminError as error:
        messages.error(request, str(error))
    return redirect("territories:team", kind=kind, code=code, slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def project_form(request, code=None):
    project = None
    if code:
        project = _territory_or_404(TerritoryKind.PROJECT, code)
        require_perm(request.user, "territories.change_project", project)
    else:
        require_perm(request.user, "territories.add_project")
    initial = {}
    if project:
        initial = {
            "name": project.name,
            "subkind": project.subkind,
            "description": project.description,
            "member_codes": " ".join(
                project.project_members.values_list("member__code", flat=True)
            ),
        }
    form = ProjectTerritoryForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project, _created = services.save_project_territory(
                name=form.cleaned_data["name"],
                subkind=form.cleaned_data["subkind"],
                description=form.cleaned_data["description"],
                member_codes=form.cleaned_data["codes"],
                code=project.code if project else None,
                by=request.user,
            )
        except services.UnknownCodes as error:
            form.add_error(
                None,
                _("Codes inconnus, rien n'a été enregistré : %(codes)s")
                % {"codes": ", ".join(error.codes)},
            )
        else:
            messages.success(request, _("Territoire de projet enregistré."))
            return redirect(project)
    return render(
        request,
        "territories/project_form.html",
        {"form": form, "project": project},
        status=400 if form.errors else 200,
    )


def legend_breaks():
    """Class breaks of the atlas colour scale, cached until the next import."""
    key = f"atlas-breaks-{services.registry_fingerprint()}"
    breaks = cache.get(key)
    if breaks is None:
        breaks = services.colour_breaks()
        cache.set(key, breaks, None)
    return breaks
