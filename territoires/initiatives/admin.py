from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdmin

from territoires.core import media
from territoires.initiatives import services
from territoires.initiatives.models import (
    Initiative,
    InitiativeContact,
    InitiativeResource,
    InitiativeResult,
    Milestone,
    Theme,
    Verbatim,
)

# Links typed without a scheme are read as https (Django 6's default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ResourceForm(forms.ModelForm):
    url = forms.URLField(label=_("lien"), required=False, assume_scheme="https")

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


class ResultInline(admin.TabularInline):
    model = InitiativeResult
    extra = 0


class ContactInline(admin.TabularInline):
    model = InitiativeContact
    extra = 0
    formfield_overrides = HTTPS_URLS


class ResourceInline(admin.TabularInline):
    model = InitiativeResource
    form = ResourceForm
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(ObjectPermissionsModelAdmin):
    list_display = ["title", "territory", "state", "status", "updated_at"]
    list_filter = ["state", "status", "themes"]
    search_fields = ["title", "summary", "territory__name"]
    autocomplete_fields = ["territory"]
    inlines = [ResultInline, ContactInline, ResourceInline]
    readonly_fields = ["author", "created_at", "updated_at"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.reindex_initiative(form.instance)


@admin.register(Verbatim)
class VerbatimAdmin(ObjectPermissionsModelAdmin):
    list_display = ["speaker", "territory", "category", "state", "said_on"]
    list_filter = ["state", "category"]
    search_fields = ["text", "speaker_role", "territory__name"]
    autocomplete_fields = ["territory", "initiative"]

    def save_model(self, request, obj, form, change):
        services.save_verbatim(obj, by=request.user)


@admin.register(Milestone)
class MilestoneAdmin(ObjectPermissionsModelAdmin):
    list_display = ["title", "territory", "year", "phase", "state"]
    list_filter = ["phase", "state"]
    autocomplete_fields = ["territory"]


@admin.register(Theme)
class ThemeAdmin(ObjectPermissionsModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
