from django import forms
from django.utils.translation import gettext_lazy as _

from territoires.actors import identifiers
from territoires.actors.models import (
    BodyMember,
    Category,
    Chain,
    ChainLink,
    Charter,
    Decision,
    GovernanceBody,
    Meeting,
    Organisation,
    Person,
    Relation,
    Signatory,
)
from territoires.core.editing import EditVersionField


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
        if self.instance.pk:  # a new one has no version another edit could overwrite
            self.fields["edit_version"] = EditVersionField(self.instance)
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

    def clean(self):
        cleaned = super().clean()
        # A public e-mail or phone would name someone who did not agree to be named.
        if not cleaned.get("consent_to_name"):
            for field in ("email_public", "phone_public"):
                if cleaned.get(field):
                    self.add_error(
                        field,
                        _(
                            "Sans l'accord de la personne d'être nommée, ses coordonnées "
                            "restent privées : elles la nommeraient."
                        ),
                    )
        return cleaned


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


# A CSV of actors: 10 Mo hold far more than 10,000 lines.
IMPORT_MAX_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    """Up to three CSV files (tabular.py's format); at least one."""

    organisations = forms.FileField(label=_("Organisations (CSV)"), required=False)
    personnes = forms.FileField(label=_("Personnes (CSV)"), required=False)
    relations = forms.FileField(label=_("Relations (CSV)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("organisations", "personnes", "relations"):
            self.fields[name].widget.attrs["accept"] = ".csv,text/csv"

    def _clean_file(self, name):
        upload = self.cleaned_data[name]
        if upload and upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse 10 Mo : découpez-le en plusieurs fichiers.")
            )
        return upload

    def clean_organisations(self):
        return self._clean_file("organisations")

    def clean_personnes(self):
        return self._clean_file("personnes")

    def clean_relations(self):
        return self._clean_file("relations")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(name) for name in self.fields):
            raise forms.ValidationError(_("Choisissez au moins un fichier."))
        return cleaned

    def files_read(self) -> dict[str, bytes]:
        return {
            name: upload.read()
            for name in self.fields
            if (upload := self.cleaned_data.get(name)) is not None
        }


# --- Governance (issue 20) --------------------------------------------------------------

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GovernanceBodyForm(forms.ModelForm):
    class Meta:
        model = GovernanceBody
        fields = ["name", "kind", "purpose", "mandate", "created_on", "ended_on", "source"]
        widgets = {"created_on": _DATE, "ended_on": _DATE}


class BodyMemberForm(forms.ModelForm):
    class Meta:
        model = BodyMember
        fields = ["organisation", "person", "role", "since", "until"]
        widgets = {"since": _DATE, "until": _DATE}

    def __init__(self, *args, organisations=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        if people is not None:
            self.fields["person"].queryset = people
        # The team chooses: it sees names, which visitors may not.
        self.fields["person"].label_from_instance = lambda person: (
            f"{person.name} ({person.organisation.name})"
        )


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "title", "minutes", "published"]
        widgets = {"date": _DATE}


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "status"]


DecisionFormSet = forms.inlineformset_factory(
    Meeting, Decision, form=DecisionForm, extra=2, can_delete=True
)


class CharterForm(forms.ModelForm):
    class Meta:
        model = Charter
        fields = ["title", "summary", "adopted_on", "source"]
        widgets = {"adopted_on": _DATE}


class SignatoryForm(forms.ModelForm):
    class Meta:
        model = Signatory
        fields = ["organisation", "signed_on"]
        widgets = {"signed_on": _DATE}

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class OfficialsForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Les rattacher à"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_(
            "La commune telle que l'équipe l'a peut-être déjà saisie (« Mairie de … ») ; "
            "sinon une organisation « Commune de … » est créée."
        ),
    )
    show_names = forms.BooleanField(
        label=_("Montrer leurs noms aux visiteurs"),
        required=False,
        help_text=_(
            "Les noms et fonctions des élus sont publiés par l'État (Répertoire national des "
            "élus). Décoché, les visiteurs ne voient que la fonction ; l'équipe voit les noms."
        ),
    )

    def __init__(self, *args, authorities=None, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        if authorities is not None:
            self.fields["organisation"].queryset = authorities
        self.fields["organisation"].initial = current


class ChainForm(forms.ModelForm):
    class Meta:
        model = Chain
        fields = ["name", "purpose", "source"]


class ChainLinkForm(forms.ModelForm):
    class Meta:
        model = ChainLink
        fields = ["order", "organisation", "category", "role"]

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        self.fields["category"].help_text = _(
            "Quand aucune organisation n'est encore nommée : « architectes », « artisans »…"
        )


ChainLinkFormSet = forms.inlineformset_factory(
    Chain, ChainLink, form=ChainLinkForm, extra=3, can_delete=True
)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "parent", "reason", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Category.objects.filter(parent=None)
        self.fields["parent"].help_text = _("Vide : une nouvelle catégorie de premier niveau.")
