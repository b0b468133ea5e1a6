"""A territory's chains of actors (seed 003): the team's page, a chain's form. Thin."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from territoires.actors import selectors, services
from territoires.actors.forms import ChainForm, ChainLinkFormSet
from territoires.actors.models import Chain, Organisation
from territoires.core import editing
from territoires.core.permissions import require_perm
from territoires.territories.selectors import territory_or_404

EDIT = "actors.edit_actors"


def _chains_page(territory) -> str:
    return reverse("territory_actors:chains", args=[territory.kind, territory.code, territory.slug])


@require_GET
def chains(request, kind, code, slug):
    territory = territory_or_404(kind, code)
    require_perm(request.user, "actors.view_actors", territory)
    return render(
        request,
        "actors/chains.html",
        {
            "territory": territory,
            "chains": selectors.chains(territory),
            "can_edit": request.user.has_perm(EDIT, territory),
        },
    )


@require_http_methods(["GET", "POST"])
def chain_edit(request, kind, code, slug, pk=None):
    territory = territory_or_404(kind, code)
    require_perm(request.user, EDIT, territory)
    chain = (
        get_object_or_404(Chain, pk=pk, territory=territory) if pk else Chain(territory=territory)
    )
    form = ChainForm(request.POST or None, instance=chain)
    formset = ChainLinkFormSet(
        request.POST or None,
        instance=chain,
        prefix="links",
        form_kwargs={
            "organisations": Organisation.objects.in_territory(territory).order_by("name", "pk")
        },
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        links = [
            (item.instance, item in formset.deleted_forms)
            for item in formset.forms
            if item.has_changed() or item.instance.pk
        ]
        if editing.call_service(
            form, lambda: services.save_chain(form.instance, links, by=request.user)
        ):
            messages.success(request, _("Chaîne enregistrée."))
            return redirect(_chains_page(territory))
    return render(
        request,
        "form_page.html",
        {
            "territory": territory,
            "form": form,
            "formset": formset,
            "formset_title": _("Maillons"),
            "formset_item": _("Maillon"),
            "title": chain.name if pk else _("Une chaîne d'acteurs"),
            "back": _chains_page(territory),
            "crumbs": [(_chains_page(territory), _("Chaînes d'acteurs"))],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def chain_delete(request, kind, code, slug, pk):
    territory = territory_or_404(kind, code)
    require_perm(request.user, EDIT, territory)
    services.delete_chain(get_object_or_404(Chain, pk=pk, territory=territory), by=request.user)
    messages.success(request, _("Chaîne supprimée."))
    return redirect(_chains_page(territory))
