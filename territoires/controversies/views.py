"""A territory's controversies log: thin views, parse, call a service, render."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from territoires.actors.models import Meeting, Organisation
from territoires.controversies import selectors, services
from territoires.controversies.forms import (
    ArgumentFormSet,
    ControversyForm,
    PositionForm,
    VenueForm,
)
from territoires.controversies.models import PUBLISH, Controversy, Position, Venue
from territoires.core import editing, workflows
from territoires.core.permissions import require_perm
from territoires.territories.selectors import territory_or_404

EDIT = "controversies.edit_controversies"


def _log_page(territory) -> str:
    return reverse("controversies:list", args=[territory.kind, territory.code, territory.slug])


def _editable(request, kind, code):
    territory = territory_or_404(kind, code)
    require_perm(request.user, EDIT, territory)
    return territory


def _own(territory, pk) -> Controversy:
    controversy = get_object_or_404(Controversy, pk=pk, territory=territory)
    controversy.territory = territory
    return controversy


def _form_page(request, territory, form, title, *, controversy=None, formset=None, status=None):
    crumbs = [(_log_page(territory), _("Controverses"))]
    if controversy:
        crumbs.append((controversy.get_absolute_url(), controversy.subject))
    return render(
        request,
        "form_page.html",
        {
            "territory": territory,
            "form": form,
            "formset": formset,
            "formset_title": _("Arguments"),
            "formset_item": _("Argument"),
            "title": title,
            "back": crumbs[-1][0],
            "crumbs": crumbs,
            "conflict": getattr(form, "conflict", None),
        },
        status=status or (400 if request.method == "POST" else 200),
    )


@require_GET
def controversy_list(request, kind, code, slug):
    territory = territory_or_404(kind, code)
    return render(
        request,
        "controversies/list.html",
        {
            "territory": territory,
            "controversies": selectors.visible_controversies(territory, request.user),
            "is_team": request.user.has_perm(selectors.VIEW, territory),
            "can_edit": request.user.has_perm(EDIT, territory),
        },
    )


@require_GET
def detail(request, kind, code, slug, pk):
    territory = territory_or_404(kind, code)
    controversy = selectors.controversy_or_404(territory, pk, request.user)
    is_team = request.user.has_perm(selectors.VIEW, territory)
    context = {
        "territory": territory,
        "controversy": controversy,
        "is_team": is_team,
        "can_edit": request.user.has_perm(EDIT, territory),
        "can_publish": request.user.has_perm(PUBLISH, territory),
        "transitions": workflows.choices(controversy, request.user),
    }
    if is_team:
        context["positions"] = selectors.positions_of(controversy)
        context["venues"] = selectors.venues_of(controversy)
    return render(request, "controversies/detail.html", context)


@require_http_methods(["GET", "POST"])
def edit(request, kind, code, slug, pk=None):
    territory = _editable(request, kind, code)
    controversy = _own(territory, pk) if pk else Controversy(territory=territory)
    form = ControversyForm(request.POST or None, instance=controversy)
    title = controversy.subject if pk else _("Une controverse")
    if request.method == "POST" and form.is_valid():
        try:
            saved = editing.call_service(
                form,
                lambda: services.save_controversy(
                    form.instance, read_version=form.cleaned_data["edit_version"], by=request.user
                ),
            )
        except editing.StaleEdit as stale:
            if stale.current is None:
                messages.error(request, _("Cette controverse a été supprimée entre-temps."))
                return redirect(_log_page(territory))
            editing.rebase(form, stale.current)
            form.conflict = editing.conflict_rows(form, stale.current)
            return _form_page(request, territory, form, title, controversy=controversy, status=409)
        if saved:
            messages.success(request, _("Controverse enregistrée."))
            return redirect(form.instance)
    return _form_page(request, territory, form, title, controversy=controversy if pk else None)


@require_POST
def delete(request, kind, code, slug, pk):
    territory = _editable(request, kind, code)
    services.delete_controversy(_own(territory, pk), by=request.user)
    messages.success(request, _("Controverse supprimée."))
    return redirect(_log_page(territory))


@require_POST
def change_state(request, kind, code, slug, pk):
    territory = territory_or_404(kind, code)
    require_perm(request.user, PUBLISH, territory)
    controversy = _own(territory, pk)
    try:
        services.change_state(controversy, request.POST.get("transition", ""), by=request.user)
    except workflows.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Résumé publié.") if controversy.is_published else _("Publication retirée."),
        )
    return redirect(controversy)


@require_http_methods(["GET", "POST"])
def position_edit(request, kind, code, slug, pk, position_pk=None):
    territory = _editable(request, kind, code)
    controversy = _own(territory, pk)
    position = (
        get_object_or_404(Position, pk=position_pk, controversy=controversy)
        if position_pk
        else Position(controversy=controversy, order=controversy.positions.count() + 1)
    )
    organisations = Organisation.objects.in_territory(territory).order_by("name", "pk")
    form = PositionForm(request.POST or None, instance=position, organisations=organisations)
    formset = ArgumentFormSet(request.POST or None, instance=position, prefix="arguments")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        arguments = [
            (item.instance, item in formset.deleted_forms)
            for item in formset.forms
            if item.has_changed() or item.instance.pk
        ]
        if editing.call_service(
            form,
            lambda: services.save_position(
                form.instance,
                holders=list(form.cleaned_data["holders"]),
                arguments=arguments,
                by=request.user,
            ),
        ):
            messages.success(request, _("Position enregistrée."))
            return redirect(controversy)
    title = position.label if position_pk else _("Une position")
    return _form_page(request, territory, form, title, controversy=controversy, formset=formset)


@require_http_methods(["GET", "POST"])
def venue_edit(request, kind, code, slug, pk, venue_pk=None):
    territory = _editable(request, kind, code)
    controversy = _own(territory, pk)
    venue = (
        get_object_or_404(Venue, pk=venue_pk, controversy=controversy)
        if venue_pk
        else Venue(controversy=controversy)
    )
    meetings = (
        Meeting.objects.filter(body__territory=territory)
        .select_related("body")
        .order_by("-date", "pk")
    )
    form = VenueForm(request.POST or None, instance=venue, meetings=meetings)
    if (
        request.method == "POST"
        and form.is_valid()
        and editing.call_service(form, lambda: services.save_venue(form.instance, by=request.user))
    ):
        messages.success(request, _("Lieu de travail enregistré."))
        return redirect(controversy)
    title = venue.label if venue_pk else _("Un lieu où elle a été travaillée")
    return _form_page(request, territory, form, title, controversy=controversy)


# What a team member may remove from a controversy's page, by the address's word.
REMOVABLE = {
    "positions": (Position, services.delete_position, _("Position supprimée.")),
    "lieux": (Venue, services.delete_venue, _("Lieu de travail supprimé.")),
}


@require_POST
def remove(request, kind, code, slug, pk, part, part_pk):
    territory = _editable(request, kind, code)
    controversy = _own(territory, pk)
    model, delete_part, message = REMOVABLE[part]
    delete_part(get_object_or_404(model, pk=part_pk, controversy=controversy), by=request.user)
    messages.success(request, str(message))
    return redirect(controversy)
