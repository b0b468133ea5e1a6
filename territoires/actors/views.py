"""Organisations' pages and the team's forms: parse, call a service, render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from territoires.actors import selectors, services
from territoires.actors.forms import OrganisationForm, PersonForm, RelationForm
from territoires.actors.models import Organisation, Person, Relation
from territoires.actors.selectors import EDIT_ORGANISATION
from territoires.core import editing
from territoires.core.permissions import require_perm
from territoires.territories.enums import TerritoryKind
from territoires.territories.selectors import territory_or_404


@require_GET
def detail(request, pk, slug):
    organisation = selectors.organisation_or_none(pk)
    can_edit = organisation is not None and request.user.has_perm(EDIT_ORGANISATION, organisation)
    if organisation is None or not (can_edit or selectors.is_public(organisation)):
        raise Http404(_("Cette organisation n'existe pas."))
    if slug != organisation.slug:
        return redirect(organisation, permanent=True)
    contacts = selectors.visible_contacts(organisation, request.user)
    return render(
        request,
        "actors/detail.html",
        {
            "organisation": organisation,
            "contacts": contacts,
            "territories": selectors.territories_of(organisation, contacts),
            "relations": selectors.relations_of(organisation),
            "people": selectors.people_of(organisation),
            "can_edit": can_edit,
        },
    )


@require_GET
def territory_list(request, kind, code, slug):
    territory = territory_or_404(kind, code)
    require_perm(request.user, "actors.view_actors", territory)
    return render(
        request,
        "actors/territory_list.html",
        {
            "territory": territory,
            "organisations": selectors.team_organisations(territory),
            "can_edit": request.user.has_perm("actors.edit_actors", territory),
            "can_import_officials": territory.kind == TerritoryKind.COMMUNE
            and request.user.has_perm("actors.import_officials", territory),
        },
    )


def _form_page(
    request, form, *, title, back, territory=None, organisation=None, delete_url="", conflict=None
):
    return render(
        request,
        "actors/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "territory": territory,
            "organisation": organisation,
            "delete_url": delete_url,
            "conflict": conflict,
        },
        status=409 if conflict else 400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def create(request, kind, code, slug):
    territory = territory_or_404(kind, code)
    require_perm(request.user, "actors.edit_actors", territory)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = form.save(commit=False)
        saved = editing.call_service(
            form,
            lambda: services.save_organisation(organisation, territory=territory, by=request.user),
        )
        if saved:
            messages.success(request, _("Organisation enregistrée."))
            return redirect(saved)
    return _form_page(
        request,
        form,
        title=_("Nouvelle organisation"),
        back=territory.get_absolute_url(),
        territory=territory,
    )


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    require_perm(request.user, EDIT_ORGANISATION, organisation)
    form = OrganisationForm(request.POST or None, instance=organisation)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = editing.call_service(
                form,
                lambda: services.save_organisation(
                    form.instance,
                    by=request.user,
                    read_version=form.cleaned_data.get("edit_version"),
                ),
            )
        except editing.StaleEdit as stale:
            if stale.current is None:
                raise Http404(_("Cette organisation n'existe pas.")) from None
            editing.rebase(form, stale.current)
            saved, conflict = None, editing.conflict_rows(form, stale.current)
        if saved:
            messages.success(request, _("Organisation enregistrée."))
            return redirect(saved)
    return _form_page(
        request,
        form,
        title=_("Modifier %(name)s") % {"name": organisation.name},
        back=organisation.get_absolute_url(),
        organisation=organisation,
        conflict=conflict,
    )


@require_http_methods(["GET", "POST"])
def person_edit(request, pk=None, person_pk=None):
    if person_pk:
        person = get_object_or_404(Person.objects.select_related("organisation"), pk=person_pk)
        organisation = person.organisation
    else:
        organisation = get_object_or_404(Organisation, pk=pk)
        person = Person(organisation=organisation)
    require_perm(request.user, EDIT_ORGANISATION, organisation)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        saved = editing.call_service(
            form, lambda: services.save_person(form.instance, by=request.user)
        )
        if saved:
            messages.success(request, _("Personne enregistrée."))
            return redirect(organisation)
    return _form_page(
        request,
        form,
        title=(
            _("Modifier %(name)s") % {"name": person.name}
            if person.pk
            else _("Une personne de %(name)s") % {"name": organisation.name}
        ),
        back=organisation.get_absolute_url(),
        organisation=organisation,
        delete_url=reverse("actors:person_delete", args=[person.pk]) if person.pk else "",
    )


@require_POST
def person_delete(request, person_pk):
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=person_pk)
    organisation = person.organisation
    require_perm(request.user, EDIT_ORGANISATION, organisation)
    services.delete_person(person, by=request.user)
    messages.success(request, _("Personne retirée."))
    return redirect(organisation)


@require_POST
def relation_delete(request, relation_pk):
    """From the page of either end: those who may edit one of the two may remove it."""
    relation = get_object_or_404(
        Relation.objects.select_related("source_organisation", "target_organisation"),
        pk=relation_pk,
    )
    ends = (relation.source_organisation, relation.target_organisation)
    if not any(request.user.has_perm(EDIT_ORGANISATION, end) for end in ends):
        require_perm(request.user, EDIT_ORGANISATION, relation.source_organisation)
    services.delete_relation(relation, by=request.user)
    messages.success(request, _("Relation retirée."))
    back = next((end for end in ends if str(end.pk) == request.POST.get("depuis")), ends[0])
    return redirect(back)


@require_http_methods(["GET", "POST"])
def relation_create(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    require_perm(request.user, EDIT_ORGANISATION, organisation)
    form = RelationForm(
        request.POST or None,
        instance=Relation(source_organisation=organisation),
        targets=selectors.relation_targets(organisation),
    )
    if request.method == "POST" and form.is_valid():
        saved = editing.call_service(
            form, lambda: services.save_relation(form.instance, by=request.user)
        )
        if saved:
            messages.success(request, _("Relation enregistrée."))
            return redirect(organisation)
    return _form_page(
        request,
        form,
        title=_("Une relation de %(name)s") % {"name": organisation.name},
        back=organisation.get_absolute_url(),
        organisation=organisation,
    )
