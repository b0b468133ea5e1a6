import math

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from territoires.accounts import selectors, services, throttling
from territoires.accounts.enums import Role
from territoires.accounts.forms import (
    AddMemberForm,
    ChangeRoleForm,
    EmailAuthenticationForm,
    SignupForm,
)
from territoires.accounts.models import Membership
from territoires.core.permissions import require_perm
from territoires.territories.selectors import territory_or_404


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """The same page whether or not the address has an account, and whether or not its
    limit of links is reached (then nothing is sent); only too many requests from one IP
    address get a 429, which says nothing about any address."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        wait = throttling.hit(throttling.PASSWORD_RESET_BY_IP, throttling.client_ip(self.request))
        if wait is not None:
            form.add_error(None, throttling.too_many_requests_message(wait))
            return _too_many(self.render_to_response(self.get_context_data(form=form)), wait)
        email = form.cleaned_data["email"]
        if throttling.hit(throttling.PASSWORD_RESET_BY_EMAIL, email) is not None:
            return HttpResponseRedirect(self.get_success_url())  # as if sent: nothing is
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        # Whoever opened the link holds the address: the account's login lock is lifted.
        throttling.forget_login_failures(form.user.email)
        messages.success(self.request, _("Mot de passe changé : vous pouvez vous connecter."))
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def signup(request):
    """A sign-up ends on the same « vérifiez vos e-mails » page whether or not the address
    has an account (services.sign_up), or has reached its limit of messages (then nothing
    is sent); only too many sign-ups from one IP address get a 429."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = throttling.hit(throttling.SIGNUP_BY_IP, throttling.client_ip(request))
        if wait is not None:
            form.add_error(None, throttling.too_many_requests_message(wait))
            return _too_many(render(request, "accounts/signup.html", {"form": form}), wait)
        email = form.cleaned_data["email"]
        if throttling.hit(throttling.SIGNUP_BY_EMAIL, email) is None:
            services.sign_up(
                email, form.cleaned_data["password1"], form.cleaned_data["display_name"]
            )
        return redirect("accounts:signup_done")
    return render(
        request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
def signup_done(request):
    return render(request, "accounts/signup_done.html")


@require_http_methods(["GET", "POST"])
def signup_confirm(request, uidb64, token):
    """The link sent at sign-up: a page with a button (mail scanners that follow links must
    not activate accounts), whose POST activates the account and logs its owner in."""
    account = services.account_to_activate(uidb64, token)
    if account is None:
        return render(request, "accounts/signup_confirm.html", {"account": None}, status=400)
    if request.method == "POST":
        services.activate(account)
        login(request, account, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Adresse confirmée : bienvenue ! Votre compte est actif."))
        return redirect("accounts:dashboard")
    return render(request, "accounts/signup_confirm.html", {"account": account})


def _too_many(response, seconds):
    """A page refused for a while: 429, and when to come back."""
    response.status_code = 429
    response["Retry-After"] = str(math.ceil(seconds))
    return response


@require_GET
@login_required
def dashboard(request):
    memberships = request.user.memberships.select_related("territory").order_by("territory__name")
    return render(request, "accounts/dashboard.html", {"memberships": memberships})


@require_http_methods(["GET", "POST"])
def team(request, kind, code, slug):
    territory = territory_or_404(kind, code)
    require_perm(request.user, "territories.view_members", territory)
    can_manage = request.user.has_perm("territories.manage_members", territory)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST":
        require_perm(request.user, "territories.manage_members", territory)
        if form.is_valid():
            try:
                membership = services.add_member(
                    form.cleaned_data["email"], territory, Role(form.cleaned_data["role"])
                )
            except (services.UnknownAccount, services.LastAdminError) as error:
                form.add_error("email", str(error))
            else:
                messages.success(
                    request,
                    _("%(user)s fait désormais partie de l'équipe.") % {"user": membership.user},
                )
                return redirect("teams:team", kind=kind, code=code, slug=slug)
    return render(
        request,
        "accounts/team.html",
        {
            "territory": territory,
            "memberships": selectors.team_of(territory),
            "form": form,
            "can_manage": can_manage,
            "roles": Role.choices,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def team_member(request, kind, code, slug, membership_id):
    territory = territory_or_404(kind, code)
    require_perm(request.user, "territories.manage_members", territory)
    membership = get_object_or_404(Membership, pk=membership_id, territory=territory)
    try:
        if request.POST.get("action") == "remove":
            services.revoke_membership(membership)
            messages.success(request, _("Membre retiré de l'équipe."))
        else:
            form = ChangeRoleForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Rôle inconnu."))
                return redirect("teams:team", kind=kind, code=code, slug=slug)
            services.change_role(membership, Role(form.cleaned_data["role"]))
            messages.success(request, _("Rôle modifié."))
    except services.LastAdminError as error:
        messages.error(request, str(error))
    return redirect("teams:team", kind=kind, code=code, slug=slug)
