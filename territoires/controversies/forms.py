from django import forms
from django.utils.translation import gettext_lazy as _

from territoires.controversies.models import Argument, Controversy, Position, Venue
from territoires.core.editing import EditVersionField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ControversyForm(forms.ModelForm):
    class Meta:
        model = Controversy
        fields = ["subject", "opened_on", "context", "decided", "open_points", "summary"]
        widgets = {
            "opened_on": DATE,
            "context": forms.Textarea(attrs={"rows": 4}),
            "decided": forms.Textarea(attrs={"rows": 3}),
            "open_points": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "context": _("Réservé à l'équipe."),
            "decided": _("Visible de tous une fois le résumé publié, avec lui."),
            "open_points": _("Visible de tous une fois le résumé publié, avec lui."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_version"] = EditVersionField(self.instance)


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = ["label", "holders", "other_holders", "order"]
        widgets = {"holders": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holders"].queryset = organisations
        self.fields["holders"].help_text = _(
            "Les organisations qui agissent dans le territoire (sa liste d'acteurs)."
        )


class ArgumentForm(forms.ModelForm):
    class Meta:
        model = Argument
        fields = ["text", "source"]


ArgumentFormSet = forms.inlineformset_factory(
    Position, Argument, form=ArgumentForm, extra=2, can_delete=True
)


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = ["date", "label", "meeting", "outcome"]
        widgets = {"date": DATE, "outcome": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda meeting: (
            f"{meeting.body.name} — {meeting.title} ({meeting.date:%d/%m/%Y})"
        )
