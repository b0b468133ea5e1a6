from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from territoires.accounts import services
from territoires.accounts.enums import Role
from territoires.accounts.models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "unconfirmed": _(
            "Ce compte attend la confirmation de son adresse : ouvrez le lien que nous vous avons envoyé à l'inscription (ou inscrivez-vous de nouveau pour en recevoir un autre)."
        ),
    }

    def clean_username(self):
        # Addresses are stored in lower case; people type them as they like.
        return self.cleaned_data["username"].lower()

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            # Said only to whoever gives the right password: it reveals nothing to others.
            if not getattr(self.request, "axes_locked_out", False) and self._awaits_confirmation():
                raise forms.ValidationError(
                    self.error_messages["unconfirmed"], code="unconfirmed"
                ) from None
            raise

    def _awaits_confirmation(self) -> bool:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not email or not password:
            return False
        pending = services.account_awaiting_confirmation(email)
        return pending is not None and pending.check_password(password)


class SignupForm(BaseUserCreationForm):
    """A sign-up: the address, a name, a password twice.

    Whether the address already has an account is not checked here: the answer must be the
    same either way (`services.sign_up` writes to the address's owner instead).
    """

    class Meta:
        model = User
        fields = ["email", "display_name"]
        labels = {"display_name": _("Nom affiché (facultatif)")}

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def validate_unique(self):
        # The model's uniqueness check would say « already used »: see the docstring.
        pass


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"))
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.READER)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
