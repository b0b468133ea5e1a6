from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from territoires.core import editing, media, portrait, workflows
from territoires.core.permissions import require_perm
from territoires.initiatives import selectors, services
from territoires.initiatives.forms import (
    ContactFormSet,
    InitiativeForm,
    KeyFigureForm,
    MilestoneForm,
    PhotoForm,
    PresentationForm,
    ResourceFormSet,
    ResultForm,
    VerbatimForm,
    VideoForm,
)
from territoires.initiatives.models import (
    EDIT_PORTRAIT,
    Initiative,
    KeyFigure,
    Milestone,
    Portrait,
    Verbatim,
    Video,
)
from territoires.territories.selectors import territory_or_404


def _editable_territory(request, kind, code):
    territory = territory_or_404(kind, code)
    require_perm(request.user, EDIT_PORTRAIT, territory)
    return territory


@require_GET
def detail(request, slug):
    initiative = selectors.visible_initiative(slug, request.user)
    if initiative is None:
        raise Http404(_("Cette initiative n'existe pas ou n'est pas publiée."))
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "can_edit": request.user.has_perm(EDIT_PORTRAIT, initiative.territory),
            "can_check": request.user.has_perm("initiatives.check_content", initiative.territory),
            "verbatims": initiative.verbatims.visible_to(request.user, initiative.territory),
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request, kind=None, code=None, slug=None, initiative_slug=None):
    """Create an initiative in a territory, or edit one."""
    if initiative_slug:
        initiative = get_object_or_404(Initiative, slug=initiative_slug)
        territory = initiative.territory
        require_perm(request.user, EDIT_PORTRAIT, territory)
    else:
        territory = _editable_territory(request, kind, code)
        initiative = Initiative(territory=territory)
    data, files = request.POST or None, request.FILES or None
    form = InitiativeForm(data, instance=initiative, user=request.user)
    result_form = ResultForm(data, prefix="result")
    contacts = ContactFormSet(data, instance=initiative, prefix="contacts")
    resources = ResourceFormSet(data, files, instance=initiative, prefix="resources")
    forms = (form, result_form, contacts, resources)
    if request.method == "POST" and all(part.is_valid() for part in forms):
        initiative = form.save(commit=False)
        initiative.levers = form.cleaned_data["levers"]
        initiative.fundamentals = form.cleaned_data["fundamentals"]
        try:
            services.save_initiative(
                initiative,
                themes=form.cleaned_data["themes"],
                state=form.cleaned_data["state"],
                related=(contacts, resources),
                result=result_form.cleaned_data if result_form.has_result() else None,
                by=request.user,
                read_version=form.cleaned_data["edit_version"],
            )
        except workflows.WorkflowError as error:
            form.add_error("state", str(error))
        except editing.StaleEdit as stale:
            return _conflict(
                request,
                "initiatives/edit.html",
                form,
                stale,
                territory,
                extra={
                    "result_form": result_form,
                    "contacts": contacts,
                    "resources": resources,
                    "initiative": initiative,
                },
            )
        else:
            messages.success(request, _("Initiative enregistrée."))
            return redirect(initiative)
    return render(
        request,
        "initiatives/edit.html",
        {
            "form": form,
            "result_form": result_form,
            "contacts": contacts,
            "resources": resources,
            "initiative": initiative,
            "territory": territory,
        },
        status=400 if request.method == "POST" else 200,
    )


def _conflict(request, template, form, stale, territory, extra=None):
    """The edit refused because the row changed since its form was read: both versions
    side by side, the form ready to replace the stored one if sent again (409)."""
    if stale.current is None:
        messages.error(request, _("Cet élément a été supprimé pendant que vous le modifiiez."))
        return redirect(territory)
    editing.rebase(form, stale.current)
    context = {
        "form": form,
        "territory": territory,
        "conflict": editing.conflict_rows(form, stale.current),
        **(extra or {}),
    }
    return render(request, template, context, status=409)


# --- Portrait sections, edited in place ------------------------------------------------


@dataclass(frozen=True)
class EditableSection:
    form: type
    model: type
    editable_items: bool = False  # otherwise an item is deleted and added again


EDITABLE = {
    "chiffres": EditableSection(KeyFigureForm, KeyFigure),
    "jalons": EditableSection(MilestoneForm, Milestone, editable_items=True),
    "verbatims": EditableSection(VerbatimForm, Verbatim),
    "videos": EditableSection(VideoForm, Video),
}


def _section(name: str) -> EditableSection:
    if name not in EDITABLE:
        raise Http404(_("Section inconnue."))
    return EDITABLE[name]


def _rendered_section(request, territory, name, status=200):
    html = portrait.render(portrait.sections.get(name), request, territory, can_edit=True)
    return HttpResponse(html, status=status)


def _bound_form(name, territory, request, item=None):
    form_class = _section(name).form
    data = request.POST or None
    if form_class is VerbatimForm:
        return form_class(data, territory=territory, user=request.user)
    if form_class is MilestoneForm:
        return form_class(
            data, request.FILES or None, instance=item, territory=territory, user=request.user
        )
    return form_class(data)


@require_http_methods(["GET", "POST"])
def portrait_section(request, kind, code, slug, section):
    _section(section)
    territory = _editable_territory(request, kind, code)
    return _section_form(request, territory, section)


@require_http_methods(["GET", "POST"])
def portrait_section_edit(request, kind, code, slug, section, pk):
    if not _section(section).editable_items:
        raise Http404(_("Ces éléments se suppriment et s'ajoutent de nouveau."))
    territory, item = _section_item(request, kind, code, section, pk)
    return _section_form(request, territory, section, item)


def _section_item(request, kind, code, section, pk):
    """The territory and one item of its section, for a member of its team (else 403/404)."""
    model = _section(section).model
    territory = _editable_territory(request, kind, code)
    return territory, get_object_or_404(model, pk=pk, territory=territory)


def _section_form(request, territory, section, item=None):
    """The section's form (to add an item, or edit ``item``): saved, or shown with its errors."""
    form = _bound_form(section, territory, request, item)
    if request.method == "POST" and form.is_valid():
        try:
            _save_section(section, form, territory, request.user)
        except media.MediaError as error:
            form.add_error("image" if "image" in form.fields else "url", str(error))
        except (workflows.WorkflowError, ValidationError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        except editing.StaleEdit as stale:
            template = "initiatives/partials/section_form.html"
            if not request.htmx:
                template = "initiatives/section_page.html"
            extra = {"section": section, "item": item}
            return _conflict(request, template, form, stale, territory, extra)
        else:
            if request.htmx:
                return _rendered_section(request, territory, section)
            messages.success(request, _("Enregistré."))
            return redirect(territory)
    template = "initiatives/partials/section_form.html"
    if not request.htmx:
        template = "initiatives/section_page.html"
    context = {"form": form, "territory": territory, "section": section, "item": item}
    return render(request, template, context, status=400 if request.method == "POST" else 200)


def _save_section(section, form, territory, user):
    data = form.cleaned_data
    if section == "videos":
        services.add_video(
            data["url"], title=data["title"], credit=data["credit"], territory=territory
        )
    elif section == "verbatims":
        verbatim = form.save(commit=False)
        services.save_verbatim(verbatim, state=data["state"], by=user)
    elif section == "jalons":
        image = data["image"]
        services.save_milestone(
            form.save(commit=False),
            initiatives=data["initiatives"],
            image=image.read() if image else None,
            alt=data["alt"],
            credit=data["credit"],
            remove_photo=data.get("remove_photo", False),
            state=data["state"],
            by=user,
            read_version=data["edit_version"],
        )
    else:
        figure = form.save(commit=False)
        figure.territory = territory
        services.add_key_figure(figure)


DELETE = {
    KeyFigure: services.delete_key_figure,
    Milestone: services.delete_milestone,
    Verbatim: services.delete_verbatim,
    Video: services.delete_video,
}


@require_POST
def portrait_section_delete(request, kind, code, slug, section, pk):
    territory, item = _section_item(request, kind, code, section, pk)
    DELETE[type(item)](item)
    if request.htmx:
        return _rendered_section(request, territory, section)
    return redirect(territory)


@require_http_methods(["GET", "POST"])
def presentation(request, kind, code, slug):
    territory = _editable_territory(request, kind, code)
    current = Portrait.objects.filter(territory=territory).first() or Portrait(territory=territory)
    form = PresentationForm(request.POST or None, instance=current)
    template = (
        "initiatives/partials/presentation_form.html"
        if request.htmx
        else "initiatives/presentation_edit.html"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_presentation(
                territory,
                form.cleaned_data["presentation"],
                read_version=form.cleaned_data["edit_version"],
            )
        except editing.StaleEdit as stale:
            return _conflict(request, template, form, stale, territory)
        if request.htmx:
            return _rendered_section(request, territory, "presentation")
        messages.success(request, _("Présentation enregistrée."))
        return redirect(territory)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"territory": territory, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def portrait_photo(request, kind, code, slug):
    territory = _editable_territory(request, kind, code)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_hero_photo(
                territory,
                form.cleaned_data["image"].read(),
                alt=form.cleaned_data["alt"],
                credit=form.cleaned_data["credit"],
                caption=form.cleaned_data["caption"],
            )
        except media.MediaError as error:
            form.add_error("image", str(error))
        else:
            messages.success(request, _("Photo enregistrée."))
            return redirect(territory)
    return render(
        request,
        "initiatives/photo_form.html",
        {"form": form, "territory": territory},
        status=400 if form.errors else 200,
    )


@require_GET
def similar(request, kind, code, slug):
    territory = territory_or_404(kind, code)
    return render(
        request,
        "initiatives/similar.html",
        {"territory": territory, "similar": selectors.similar_territories(territory, limit=24)},
    )


# --- Curation ---------------------------------------------------------------------------------


@require_POST
def check(request, kind, pk):
    """Vouch that an initiative, words or a portrait is still right, today."""
    item = selectors.checkable(kind, pk)
    if item is None:
        raise Http404(_("Rien à vérifier à cette adresse."))
    require_perm(request.user, "initiatives.check_content", item.territory)
    services.mark_checked(item, by=request.user)
    messages.success(request, _("Marqué comme vérifié aujourd'hui."))
    back = request.POST.get("suivant", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(item.territory if kind == "portrait" else item)


@require_GET
def curation_queue(request):
    """What nobody checked for too long, every territory's: the curators' queue."""
    require_perm(request.user, "initiatives.curate")
    context = {"due": selectors.due_for_check(), "check_months": settings.CHECK_MONTHS}
    return render(request, "initiatives/curation_queue.html", context)
