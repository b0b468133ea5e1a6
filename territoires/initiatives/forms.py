from datetime import date

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from territoires.core import media, workflows
from territoires.core.editing import EditVersionField
from territoires.initiatives.enums import Fundamental, Lever
from territoires.initiatives.models import (
    Initiative,
    InitiativeContact,
    InitiativeResource,
    KeyFigure,
    Milestone,
    Portrait,
    Theme,
    Verbatim,
)


class PublicationField(forms.ChoiceField):
    """The publication state to reach: the current one, or one the user may move it to
    (the transitions of its workflow). Posted as `state`, as the state itself."""

    def __init__(self, instance, user):
        current = (instance.state, instance.get_state_display())
        reachable = [(choice.target, choice.label) for choice in workflows.choices(instance, user)]
        super().__init__(label=_("Publication"), choices=[current, *reachable], initial=current[0])


def check_year(year):
    if year is not None and not 1800 <= year <= 2100:
        raise forms.ValidationError(_("Année entre 1800 et 2100."))
    return year


class InitiativeForm(forms.ModelForm):
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    levers = forms.MultipleChoiceField(
        label=_("Leviers"),
        choices=Lever.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    fundamentals = forms.MultipleChoiceField(
        label=_("Fondamentaux illustrés"),
        choices=Fundamental.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "summary",
            "body",
            "status",
            "start_year",
            "end_year",
            "themes",
            "levers",
            "fundamentals",
            "programme",
            "tags",
            "source",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 10}),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"] = PublicationField(self.instance, user)
        self.fields["edit_version"] = EditVersionField(self.instance)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("La fin ne peut précéder le début."))
        for field in ("start_year", "end_year"):
            try:
                check_year(cleaned.get(field))
            except forms.ValidationError as error:
                self.add_error(field, error)
        return cleaned


class ResultForm(forms.Form):
    """A result added with the initiative, optional: left empty, it adds nothing."""

    text = forms.CharField(label=_("Résultat"), max_length=400, required=False)
    value = forms.DecimalField(label=_("Chiffre"), required=False, max_digits=14, decimal_places=2)
    unit = forms.CharField(label=_("Unité"), max_length=40, required=False)
    year = forms.IntegerField(label=_("Année"), required=False, min_value=1800, max_value=2100)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)

    def has_result(self) -> bool:
        return any(value not in (None, "") for value in self.cleaned_data.values())

    def clean(self):
        cleaned = super().clean()
        if not self.has_result():
            return cleaned
        if not cleaned.get("text"):
            self.add_error("text", _("Décrivez le résultat."))
        if cleaned.get("value") is not None:
            for field in ("unit", "year", "source"):
                if not cleaned.get(field):
                    self.add_error(
                        field, _("Un chiffre demande son unité, son année et sa source.")
                    )
        return cleaned


class VerbatimForm(forms.ModelForm):
    class Meta:
        model = Verbatim
        fields = [
            "text",
            "speaker_role",
            "category",
            "speaker_name",
            "consent_to_name",
            "said_on",
            "context",
            "initiative",
            "source",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "said_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, territory, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.territory = territory
        self.fields["initiative"].queryset = Initiative.objects.filter(territory=territory)
        self.fields["state"] = PublicationField(self.instance, user)

    def clean_said_on(self):
        said_on = self.cleaned_data["said_on"]
        if said_on and said_on > date.today():
            raise forms.ValidationError(_("La date des paroles ne peut pas être dans le futur."))
        return said_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("speaker_name") and not cleaned.get("consent_to_name"):
            # Without consent the name is not kept at all: data minimisation.
            cleaned["speaker_name"] = ""
        return cleaned


class PresentationForm(forms.ModelForm):
    class Meta:
        model = Portrait
        fields = ["presentation"]
        widgets = {"presentation": forms.Textarea(attrs={"rows": 6})}
        labels = {"presentation": _("Texte")}
        help_texts = {"presentation": _("Quelques lignes pour dire ce qui fait ce territoire.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_version"] = EditVersionField(self.instance)


class KeyFigureForm(forms.ModelForm):
    class Meta:
        model = KeyFigure
        fields = ["label", "value", "unit", "year", "source"]
        help_texts = {"source": _("Obligatoire : d'où vient ce chiffre ?")}

    def clean_year(self):
        return check_year(self.cleaned_data["year"])


class VideoForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    url = forms.URLField(label=_("Lien YouTube, Vimeo ou PeerTube"), assume_scheme="https")
    credit = forms.CharField(label=_("Crédit"), max_length=150, required=False)

    def clean_url(self):
        try:
            media.parse_video_url(self.cleaned_data["url"])
        except media.MediaError as error:
            raise forms.ValidationError(str(error)) from None
        return self.cleaned_data["url"]


class PhotoFields(forms.Form):
    """A photo upload and what the photo must say about itself, for every form that takes one.

    The size is checked here, the content when the photo is processed (``services.save_photo``).
    """

    image = forms.FileField(
        label=_("Photo (JPEG, PNG ou WebP, 15 Mo au plus)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt = forms.CharField(
        label=_("Texte alternatif"),
        max_length=250,
        help_text=_("Ce que montre la photo, pour qui ne la voit pas."),
    )
    credit = forms.CharField(label=_("Crédit"), max_length=150)

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload and upload.size > media.PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("La photo dépasse 15 Mo."))
        return upload


class PhotoForm(PhotoFields):
    caption = forms.CharField(label=_("Légende"), max_length=300, required=False)


def initiative_choice_label(initiative):
    """The team may link drafts: say so beside their title."""
    if initiative.is_published:
        return initiative.title
    return f"{initiative.title} ({initiative.get_state_display()})"


class MilestoneForm(forms.ModelForm, PhotoFields):
    """A milestone, its photo (optional: kept, replaced or removed once there is one) and the
    initiatives of its territory it links to."""

    remove_photo = forms.BooleanField(label=_("Retirer la photo actuelle"), required=False)

    field_order = ["phase", "year", "title", "text", "image", "alt", "credit", "remove_photo"]

    class Meta:
        model = Milestone
        fields = ["phase", "year", "title", "text", "initiatives", "source"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "initiatives": forms.CheckboxSelectMultiple,
        }
        labels = {"initiatives": _("Initiatives liées")}
        error_messages = {
            "initiatives": {
                "invalid_choice": _("Choisissez uniquement des initiatives de ce territoire.")
            }
        }

    def __init__(self, *args, territory, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.territory = territory
        self.fields["state"] = PublicationField(self.instance, user)
        self.fields["edit_version"] = EditVersionField(self.instance)
        initiatives = self.fields["initiatives"]
        initiatives.queryset = Initiative.objects.in_territory(territory).order_by("title")
        initiatives.label_from_instance = initiative_choice_label
        # A milestone may go without a photo: alt and credit are asked for only with one.
        for name in ("image", "alt", "credit"):
            self.fields[name].required = False
        photo = self.instance.photo
        if photo is None:
            del self.fields["remove_photo"]
        else:
            self.initial.setdefault("alt", photo.alt)
            self.initial.setdefault("credit", photo.credit)
            self.fields["image"].help_text = _("Laissez vide pour garder la photo actuelle.")

    def clean_year(self):
        return check_year(self.cleaned_data["year"])

    def clean(self):
        cleaned = super().clean()
        if self.shows_a_photo():
            for name in ("alt", "credit"):
                if not cleaned.get(name):
                    self.add_error(name, _("Obligatoire avec une photo."))
        return cleaned

    def shows_a_photo(self) -> bool:
        """Whether the milestone has a photo once saved: a new one, or the one it keeps."""
        if self.cleaned_data.get("image"):
            return True
        return self.instance.photo is not None and not self.cleaned_data.get("remove_photo")


class ContactForm(forms.ModelForm):
    """One of the territory's organisations (registered in its actors), and its role."""

    class Meta:
        model = InitiativeContact
        fields = ["organisation", "role"]

    def __init__(self, *args, territory=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.help_text = _(
            "Une organisation des acteurs du territoire ; une autre s'ajoute depuis le "
            "portrait, section « Acteurs et gouvernance »."
        )
        if territory is not None:
            # By lookups, not by the actors app: the commons do not import it.
            field.queryset = (
                field.queryset.filter(
                    Q(territories=territory)
                    | Q(contacts__initiative__territory=territory)
                    | Q(pk=self.instance.organisation_id)
                )
                .distinct()
                .order_by("name", "pk")
            )


class BaseContactFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.instance is not None and self.instance.territory_id:
            kwargs["territory"] = self.instance.territory
        return kwargs


class ResourceForm(forms.ModelForm):
    """A link or a PDF (checked by its content, 20 MB at most)."""

    url = forms.URLField(label=_("Lien"), required=False, assume_scheme="https")

    class Meta:
        model = InitiativeResource
        fields = ["title", "url", "document"]

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "size"):
            try:
                media.check_pdf(document, document.size)
            except media.MediaError as error:
                raise forms.ValidationError(str(error)) from None
        return document

    def clean(self):
        cleaned = super().clean()
        if self.has_changed() and bool(cleaned.get("url")) == bool(cleaned.get("document")):
            raise forms.ValidationError(_("Indiquez un lien ou un document PDF (l'un des deux)."))
        return cleaned


ContactFormSet = forms.inlineformset_factory(
    Initiative,
    InitiativeContact,
    form=ContactForm,
    formset=BaseContactFormSet,
    extra=1,
    can_delete=True,
)
ResourceFormSet = forms.inlineformset_factory(
    Initiative, InitiativeResource, form=ResourceForm, extra=1, can_delete=True
)
