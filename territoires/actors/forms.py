from django import forms
from django.utils.translation import gettext_lazy as _

from territoires.actors import identifiers
from territoires.actors.models import Category, Organisation, Person, Relation


class OrganisationForm(forms.ModelForm):
    # Wider than the numbers: people type them with spaces or dots, cleaned below.
    siren = forms.CharField(label=_("SIREN"), max_length=20, required=False)
    siret = forms.CharField(label=_("SIRET"), max_length=24, required=False)
    website = forms.URLField(label=_("Site"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "category",
            "description",
            "siren",
            "siret",
            "website",
            "ended",
            "ended_on",
            "successor",
            "source",
        ]
        widgets = {"ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each is shown under its parent (« Acteurs politiques › Élus »): one query.
        self.fields["category"].queryset = Category.objects.select_related("parent")
        successors = self.fields["successor"].queryset.order_by("name", "pk")
        if self.instance.pk:
            successors = successors.exclude(pk=self.instance.pk)
        self.fields["successor"].queryset = successors

    def clean_siren(self):
        return identifiers.compact(self.cleaned_data["siren"])

    def clean_siret(self):
        return identifiers.compact(self.cleaned_data["siret"])


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "consent_to_name",
            "role",
            "role_public",
            "team_role",
            "email",
            "email_public",
            "phone",
            "phone_public",
        ]


class RelationForm(forms.ModelForm):
    class Meta:
        model = Relation
        fields = ["kind", "target_organisation", "started_on", "ended_on", "source"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["target_organisation"].queryset = targets
