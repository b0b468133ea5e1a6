"""A commune's elected officials from the national register, on an admin's request
(issue 20): a preview of what the register holds and a notice, then the import and what
it changed. Thin: the register is read by actors/officials.py, written by services.py."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from territoires.actors import services
from territoires.actors.forms import OfficialsForm
from territoires.core.permissions import require_perm
from territoires.territories.selectors import territory_or_404

IMPORT = "actors.import_officials"


@require_http_methods(["GET", "POST"])
def elected_officials(request, kind, code, slug):
    territory = territory_or_404(kind, code)
    require_perm(request.user, IMPORT, territory)
    authorities = services.local_authorities(territory)
    form = OfficialsForm(
        request.POST or None,
        authorities=authorities,
        current=services.officials_holder(territory)
        or authorities.filter(name__icontains=territory.name).first(),
    )
    found, report, error = [], None, ""
    try:
        found = services.registered_officials(territory)
        if request.method == "POST" and form.is_valid():
            report = services.import_elected_officials(
                territory,
                found,
                show_names=form.cleaned_data["show_names"],
                organisation=form.cleaned_data["organisation"],
                by=request.user,
            )
    except ValidationError as problem:
        error = " ".join(problem.messages)
    return render(
        request,
        "actors/officials.html",
        {
            "territory": territory,
            "form": form,
            "found": found,
            "report": report,
            "error": error,
            "source": services.register_source(),
        },
        status=400 if request.method == "POST" and (error or form.errors) else 200,
    )
