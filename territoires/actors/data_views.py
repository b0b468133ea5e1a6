"""A territory's actors as CSV files: the team imports them, downloads them, and the empty
files to fill (tabular.py's format). Parse, call a service, render."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from territoires.actors import services, tabular
from territoires.actors.forms import ImportForm
from territoires.core.permissions import require_perm
from territoires.territories.selectors import territory_or_404

WRITERS = {
    "organisations": tabular.write_organisations,
    "personnes": tabular.write_people,
    "relations": tabular.write_relations,
}


def _csv(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # people's private fields
    return response


def _summary(report) -> str:
    parts = []
    for name, label in services.IMPORT_FILES.items():
        created, updated = report.created[name], report.updated[name]
        unchanged = report.unchanged[name]
        if created or updated or unchanged:
            parts.append(
                _("%(label)s : %(created)s, %(updated)s, %(unchanged)s")
                % {
                    "label": label,
                    "created": ngettext("%(n)s créée", "%(n)s créées", created) % {"n": created},
                    "updated": ngettext("%(n)s modifiée", "%(n)s modifiées", updated)
                    % {"n": updated},
                    "unchanged": ngettext("%(n)s inchangée", "%(n)s inchangées", unchanged)
                    % {"n": unchanged},
                }
            )
    return " ; ".join(parts)


@require_http_methods(["GET", "POST"])
def import_actors(request, kind, code, slug):
    territory = territory_or_404(kind, code)
    require_perm(request.user, "actors.edit_actors", territory)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.import_actors(territory, form.files_read(), by=request.user)
        if report.ok:
            if report.changed:
                messages.success(
                    request, _("Import enregistré. %(summary)s.") % {"summary": _summary(report)}
                )
            else:
                messages.info(
                    request,
                    _(
                        "Rien n'a changé : les fichiers disent ce qui est déjà enregistré. "
                        "%(summary)s."
                    )
                    % {"summary": _summary(report)},
                )
            return redirect("territory_actors:list", territory.kind, territory.code, territory.slug)
    return render(
        request,
        "actors/import.html",
        {"territory": territory, "form": form, "report": report},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def export_actors(request, kind, code, slug, file):
    territory = territory_or_404(kind, code)
    require_perm(request.user, "actors.view_actors", territory)
    if file not in WRITERS:
        raise Http404(_("Ce fichier n'existe pas."))
    organisations, people, relations = services.export_rows(territory, with_private=True)
    rows = {"organisations": organisations, "personnes": people, "relations": relations}
    return _csv(WRITERS[file](rows[file]), f"acteurs-{territory.slug}-{file}.csv")


@require_GET
def import_template(request, kind, code, slug, file):
    territory = territory_or_404(kind, code)
    require_perm(request.user, "actors.edit_actors", territory)
    if file not in WRITERS:
        raise Http404(_("Ce fichier n'existe pas."))
    return _csv(WRITERS[file]([]), f"modele-{file}.csv")
