from django import forms
from django.utils.translation import gettext_lazy as _

from territoires.territories.enums import ProjectKind
from territoires.territories.project_files import ProjectFileError, parse_project_file


class ProjectTerritoryForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    subkind = forms.ChoiceField(label=_("Type"), choices=ProjectKind.choices)
    description = forms.CharField(
        label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    member_codes = forms.CharField(
        label=_("Communes et EPCI membres"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_(
            "Codes INSEE des communes (5 caractères) et SIREN des EPCI (9 chiffres), "
            "séparés par des espaces, virgules ou retours à la ligne."
        ),
    )
    member_file = forms.FileField(
        label=_("… ou un fichier CSV ou YAML"),
        required=False,
        help_text=_("Même format que la commande import_project_territory ; 1 Mo au plus."),
    )

    MAX_FILE_BYTES = 1_000_000

    def clean(self):
        cleaned = super().clean()
        codes = cleaned.get("member_codes", "").replace(",", " ").replace(";", " ").split()
        upload = cleaned.get("member_file")
        if upload:
            if upload.size > self.MAX_FILE_BYTES:
                raise forms.ValidationError(_("Le fichier dépasse 1 Mo."))
            try:
                parsed = parse_project_file(upload.name, upload.read())
            except ProjectFileError as error:
                raise forms.ValidationError(str(error)) from None
            codes += [code for project in parsed for code in project.member_codes]
        if not codes:
            raise forms.ValidationError(_("Indiquez au moins une commune ou un EPCI membre."))
        cleaned["codes"] = codes
        return cleaned
