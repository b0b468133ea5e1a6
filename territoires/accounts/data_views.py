"""« Mes données »: what is kept about the person, its download, and the deletion of their
account (accounts/data.py does the work)."""

import json

from django import forms
from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from territoires.accounts import data


class EraseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        # Through the authentication backends, so that whatever limits login attempts
        # limits these too.
        user = authenticate(self.request, username=self.request.user.email, password=password)
        if user is None or user.pk != self.request.user.pk:
            raise forms.ValidationError(_("Mot de passe incorrect."))
        return password


def _page(request, form, *, refusal=None, status=200):
    user = request.user
    return render(
        request,
        "accounts/data/my_data.html",
        {
            "kept": data.kept_about(user),
            "blocking": data.territories_left_without_admin(user),
            "form": form,
            "refusal": refusal,
        },
        status=status,
    )


@never_cache
@require_GET  # before the login: a wrong method is a 405 for everyone
@login_required
def my_data(request):
    return _page(request, EraseAccountForm(request))


@never_cache
@require_GET  # before the login: a wrong method is a 405 for everyone
@login_required
def my_data_download(request):
    document = data.export_document(request.user)
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"mes-donnees-territoires-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_POST  # before the login: a wrong method is a 405 for everyone
@login_required
def erase_account(request):
    form = EraseAccountForm(request, request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        data.erase_account(request.user)
    except data.ErasureRefused as refusal:
        return _page(request, EraseAccountForm(request), refusal=str(refusal), status=409)
    logout(request)
    return redirect("accounts:account_erased")


@require_GET
def account_erased(request):
    return render(request, "accounts/data/erased.html")
