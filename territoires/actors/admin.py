from django import forms
from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from territoires.actors.models import Category, Organisation, Person, Relation


@admin.register(Category)
class CategoryAdmin(ObjectPermissionsModelAdmin):
    list_display = ["name", "parent", "reason", "order"]
    list_filter = ["parent"]
    search_fields = ["name", "reason"]
    prepopulated_fields = {"slug": ["name"]}


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    exclude = ["created_by"]


class OrganisationAdminForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")

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
            "territories",
            "ended",
            "ended_on",
            "successor",
            "source",
        ]


@admin.register(Organisation)
class OrganisationAdmin(ObjectPermissionsModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "category", "siren", "ended"]
    list_filter = ["kind", "ended", "category"]
    search_fields = ["name", "siren", "siret"]
    autocomplete_fields = ["territories", "successor"]
    inlines = [PersonInline]


@admin.register(Relation)
class RelationAdmin(ObjectPermissionsModelAdmin):
    list_display = ["source_organisation", "kind", "target_organisation", "started_on", "ended_on"]
    list_filter = ["kind"]
    autocomplete_fields = ["source_organisation", "target_organisation"]
