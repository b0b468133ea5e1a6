"""A territory's governance (issue 20): its bodies, their members, meetings and decisions,
its charters and their signatories. Thin: parse, call a service, render."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from territoires.actors import selectors, services
from territoires.actors.forms import (
    BodyMemberForm,
    CharterForm,
    DecisionFormSet,
    GovernanceBodyForm,
    MeetingForm,
    SignatoryForm,
)
from territoires.actors.models import (
    BodyMember,
    Charter,
    GovernanceBody,
    Meeting,
    Organisation,
    Person,
    Signatory,
)
from territoires.core import editing
from territoires.core.permissions import require_perm
from territoires.territories.selectors import territory_or_404

EDIT = "actors.edit_actors"


def _team_page(territory):
    return reverse(
        "territory_actors:governance", args=[territory.kind, territory.code, territory.slug]
    )


def _edit(request, kind, code):
    territory = territory_or_404(kind, code)
    require_perm(request.user, EDIT, territory)
    return territory


def _page(request, territory, form, title, formset=None):
    return render(
        request,
        "form_page.html",
        {
            "territory": territory,
            "form": form,
            "formset": formset,
            "formset_title": _("Décisions"),
            "formset_item": _("Décision"),
            "title": title,
            "back": _team_page(territory),
            "crumbs": [(_team_page(territory), _("Gouvernance"))],
        },
        status=400 if request.method == "POST" else 200,
    )


def _saved(request, territory, message):
    messages.success(request, message)
    return redirect(_team_page(territory))


@require_GET
def governance(request, kind, code, slug):
    territory = territory_or_404(kind, code)
    require_perm(request.user, "actors.view_actors", territory)
    return render(
        request,
        "actors/governance/team.html",
        {
            "territory": territory,
            "bodies": selectors.governance_bodies(territory, published_only=False),
            "charters": selectors.charters(territory),
            "can_edit": request.user.has_perm(EDIT, territory),
            "team": True,  # it sees people's names (the portrait's section does not)
        },
    )


def _governance_form(request, territory, form, saved, title):
    """A body, charter, member or signatory's form: saved through the same service, then
    back to the governance page; else the form again."""
    if (
        request.method == "POST"
        and form.is_valid()
        and editing.call_service(
            form, lambda: services.save_governance(form.instance, by=request.user)
        )
    ):
        return _saved(request, territory, saved)
    return _page(request, territory, form, title)


def _edit_own(request, territory, model, form_class, pk, saved, title):
    """A body or a charter of the territory, new or changed, through the same service."""
    instance = (
        get_object_or_404(model, pk=pk, territory=territory) if pk else model(territory=territory)
    )
    form = form_class(request.POST or None, instance=instance)
    return _governance_form(request, territory, form, saved, title)


@require_http_methods(["GET", "POST"])
def body_edit(request, kind, code, slug, pk=None):
    territory = _edit(request, kind, code)
    return _edit_own(
        request,
        territory,
        GovernanceBody,
        GovernanceBodyForm,
        pk,
        _("Instance enregistrée."),
        _("Une instance de gouvernance"),
    )


def _organisations(territory):
    return Organisation.objects.in_territory(territory).order_by("name", "pk")


@require_http_methods(["GET", "POST"])
def member_edit(request, kind, code, slug, pk=None, member_pk=None):
    territory = _edit(request, kind, code)
    if member_pk:
        member = get_object_or_404(BodyMember, pk=member_pk, body__territory=territory)
    else:
        member = BodyMember(body=get_object_or_404(GovernanceBody, pk=pk, territory=territory))
    organisations = _organisations(territory)
    form = BodyMemberForm(
        request.POST or None,
        instance=member,
        organisations=organisations,
        people=Person.objects.filter(organisation__in=organisations).select_related("organisation"),
    )
    return _governance_form(
        request,
        territory,
        form,
        _("Membre enregistré."),
        _("Un membre de %(name)s") % {"name": member.body.name},
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request, kind, code, slug, pk=None, meeting_pk=None):
    territory = _edit(request, kind, code)
    if meeting_pk:
        meeting = get_object_or_404(Meeting, pk=meeting_pk, body__territory=territory)
    else:
        meeting = Meeting(body=get_object_or_404(GovernanceBody, pk=pk, territory=territory))
    form = MeetingForm(request.POST or None, instance=meeting)
    formset = DecisionFormSet(request.POST or None, instance=meeting, prefix="decisions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        decisions = [
            (item.instance, item in formset.deleted_forms)
            for item in formset.forms
            if item.has_changed() or item.instance.pk
        ]
        if editing.call_service(
            form, lambda: services.save_meeting(form.instance, decisions, by=request.user)
        ):
            return _saved(request, territory, _("Réunion enregistrée."))
    return _page(
        request,
        territory,
        form,
        _("Une réunion de %(name)s") % {"name": meeting.body.name},
        formset=formset,
    )


@require_http_methods(["GET", "POST"])
def charter_edit(request, kind, code, slug, pk=None):
    territory = _edit(request, kind, code)
    return _edit_own(
        request, territory, Charter, CharterForm, pk, _("Charte enregistrée."), _("Une charte")
    )


@require_http_methods(["GET", "POST"])
def signatory_edit(request, kind, code, slug, pk=None, signatory_pk=None):
    territory = _edit(request, kind, code)
    if signatory_pk:
        signatory = get_object_or_404(Signatory, pk=signatory_pk, charter__territory=territory)
    else:
        signatory = Signatory(charter=get_object_or_404(Charter, pk=pk, territory=territory))
    form = SignatoryForm(
        request.POST or None, instance=signatory, organisations=_organisations(territory)
    )
    return _governance_form(
        request,
        territory,
        form,
        _("Signataire enregistré."),
        _("Un signataire de %(title)s") % {"title": signatory.charter.title},
    )


# What the team may remove from the governance page, by the address's word.
REMOVABLE = {
    "membres": (BodyMember, "body__territory", _("Membre retiré.")),
    "signataires": (Signatory, "charter__territory", _("Signataire retiré.")),
}


@require_POST
def remove(request, kind, code, slug, part, part_pk):
    territory = _edit(request, kind, code)
    model, path, message = REMOVABLE[part]
    services.delete_governance(
        get_object_or_404(model, pk=part_pk, **{path: territory}), by=request.user
    )
    return _saved(request, territory, str(message))
