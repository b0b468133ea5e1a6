from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from territoires.core import media
from territoires.core.permissions import require_perm
from territoires.initiatives import selectors, services
from territoires.initiatives.forms import (
    ContactFormSet,
    InitiativeForm,
    KeyFigureForm,
    MilestoneForm,
    PhotoForm,
    ResourceFormSet,
    ResultForm,
    VerbatimForm,
    VideoForm,
)
from territoires.initiatives.models import (
    Initiative,
    InitiativeResult,
    Milestone,
    Verbatim,
    Video,
)
from territoires.territories.models import KeyFigure, Portrait
from territoires.territories.selectors import territory_by_code

EDIT = "territories.change_presentation"


def _territory(kind, code):
    territory = territory_by_code(kind, code)
    if territory is None:
        raise Http404(_("Aucun territoire ne porte ce code."))
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
            "can_edit": request.user.has_perm(EDIT, initiative.territory),
            "verbatims": initiative.verbatims.visible_to(request.user, initiative.territory),
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request, kind=None, code=None, slug=None, initiative_slug=None):
    """Create an initiative in a territory, or edit one."""
    if initiative_slug:
        initiative = get_object_or_404(Initiative, slug=initiative_slug)
        territory = initiative.territory
    else:
        territory = _territory(kind, code)
        initiative = Initiative(territory=territory)
    require_perm(request.user, EDIT, territory)
    data, files = request.POST or None, request.FILES or None
    form = InitiativeForm(data, instance=initiative)
    result_form = ResultForm(data, prefix="result")
    contacts = ContactFormSet(data, instance=initiative, prefix="contacts")
    resources = ResourceFormSet(data, files, instance=initiative, prefix="resources")
    if (
        request.method == "POST"
        and form.is_valid()
        and contacts.is_valid()
        and resources.is_valid()
        and result_form.is_valid()
    ):
        with transaction.atomic():
            initiative = form.save(commit=False)
            initiative.levers = form.cleaned_data["levers"]
            initiative.fundamentals = form.cleaned_data["fundamentals"]
            services.save_initiative(
                initiative, themes=form.cleaned_data["themes"], by=request.user
            )
            contacts.instance = resources.instance = initiative
            contacts.save()
            resources.save()
            if result_form.has_result():
                InitiativeResult.objects.create(initiative=initiative, **result_form.cleaned_data)
                services.reindex_initiative(initiative)
        messages.success(request, _("Initiative enregistrée."))
        return redirect(initiative)
    status = 400 if request.method == "POST" else 200
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
        status=status,
    )


# --- Portrait sections, edited in place ------------------------------------------------

SECTIONS = {
    "chiffres": (KeyFigureForm, KeyFigure, "initiatives/partials/key_figures.html"),
    "jalons": (MilestoneForm, Milestone, "initiatives/partials/milestones.html"),
    "verbatims": (VerbatimForm, Verbatim, "initiatives/partials/verbatims.html"),
    "videos": (VideoForm, Video, "initiatives/partials/videos.html"),
}


def _section_response(request, territory, section, status=200):
    context = {
        "territory": territory,
        "can_edit": True,
        **selectors.portrait_sections(territory, request.user),
    }
    return render(request, SECTIONS[section][2], context, status=status)


# Sections whose items are edited once saved; the others' items are deleted and added again.
EDITABLE_SECTIONS = {"jalons"}


def _form(section, territory, request, item=None):
    form_class = SECTIONS[section][0]
    data = request.POST or None
    if form_class is VerbatimForm:
        return form_class(data, territory=territory)
    if form_class is MilestoneForm:
        return form_class(data, request.FILES or None, instance=item, territory=territory)
    return form_class(data)


@require_http_methods(["GET", "POST"])
def portrait_section(request, kind, code, slug, section):
    if section not in SECTIONS:
        raise Http404
    territory = _territory(kind, code)
    require_perm(request.user, EDIT, territory)
    return _section_form(request, territory, section)


@require_http_methods(["GET", "POST"])
def portrait_section_edit(request, kind, code, slug, section, pk):
    territory, item = _section_item(request, kind, code, section, pk, EDITABLE_SECTIONS)
    return _section_form(request, territory, section, item)


def _section_item(request, kind, code, section, pk, sections):
    """The territory and one item of its section, for a member of its team (else 403/404)."""
    if section not in sections:
        raise Http404
    territory = _territory(kind, code)
    require_perm(request.user, EDIT, territory)
    return territory, get_object_or_404(SECTIONS[section][1], pk=pk, territory=territory)


def _section_form(request, territory, section, item=None):
    """The section's form (to add an item, or edit ``item``): saved, or shown with its errors."""
    form = _form(section, territory, request, item)
    if request.method == "POST" and form.is_valid():
        try:
            _save_section(section, form, territory, request.user)
        except media.MediaError as error:
            form.add_error("image", str(error))
        else:
            if request.htmx:
                return _section_response(request, territory, section)
            messages.success(request, _("Enregistré."))
            return redirect(territory)
    status = 400 if request.method == "POST" else 200
    template = "initiatives/partials/section_form.html"
    if not request.htmx:
        template = "initiatives/section_page.html"
    context = {"form": form, "territory": territory, "section": section, "item": item}
    return render(request, template, context, status=status)


def _save_section(section, form, territory, user):
    if section == "videos":
        services.save_video(
            form.cleaned_data["url"],
            title=form.cleaned_data["title"],
            credit=form.cleaned_data["credit"],
            territory=territory,
        )
    elif section == "verbatims":
        verbatim = form.save(commit=False)
        verbatim.territory = territory
        services.save_verbatim(verbatim, by=user)
    elif section == "jalons":
        milestone = form.save(commit=False)
        milestone.territory = territory
        image = form.cleaned_data["image"]
        services.save_milestone(
            milestone,
            initiatives=form.cleaned_data["initiatives"],
            image=image.read() if image else None,
            alt=form.cleaned_data["alt"],
            credit=form.cleaned_data["credit"],
            remove_photo=form.cleaned_data.get("remove_photo", False),
        )
    else:
        item = form.save(commit=False)
        item.territory = territory
        item.full_clean()
        item.save()


@require_POST
def portrait_section_delete(request, kind, code, slug, section, pk):
    territory, item = _section_item(request, kind, code, section, pk, SECTIONS)
    if isinstance(item, Verbatim):
        services.delete_indexed(item)
    elif isinstance(item, Milestone):
        services.delete_milestone(item)
    else:
        item.delete()
    if request.htmx:
        return _section_response(request, territory, section)
    return redirect(territory)


@require_http_methods(["GET", "POST"])
def portrait_photo(request, kind, code, slug):
    territory = _territory(kind, code)
    require_perm(request.user, EDIT, territory)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            photo = services.save_photo(
                form.cleaned_data["image"].read(),
                alt=form.cleaned_data["alt"],
                credit=form.cleaned_data["credit"],
                caption=form.cleaned_data["caption"],
                territory=territory,
            )
        except media.MediaError as error:
            form.add_error("image", str(error))
        else:
            Portrait.objects.update_or_create(territory=territory, defaults={"hero_photo": photo})
            messages.success(request, _("Photo enregistrée."))
            return redirect(territory)
    return render(
        request,
        "initiatives/photo_form.html",
        {"form": form, "territory": territory},
        status=400 if form.errors else 200,
    )
