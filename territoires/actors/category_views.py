"""The vocabulary of actors' categories (seed 003's, extended by the networks'
facilitators): read by anyone, extended on the same page. Thin."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from territoires.actors import services
from territoires.actors.forms import CategoryForm
from territoires.actors.models import Category
from territoires.core import editing
from territoires.core.permissions import require_perm

EXTEND = "actors.extend_categories"


@require_http_methods(["GET", "POST"])
def categories(request):
    if request.method == "POST":
        require_perm(request.user, EXTEND)
    form = CategoryForm(request.POST or None) if request.user.has_perm(EXTEND) else None
    if (
        request.method == "POST"
        and form.is_valid()
        and editing.call_service(
            form, lambda: services.add_category(form.instance, by=request.user)
        )
    ):
        messages.success(request, _("Catégorie ajoutée."))
        return redirect(reverse("actors:categories"))
    top = Category.objects.filter(parent=None).prefetch_related(
        Prefetch("children", queryset=Category.objects.order_by("order", "name"))
    )
    return render(
        request,
        "actors/categories.html",
        {"categories": top, "form": form},
        status=400 if request.method == "POST" else 200,
    )
