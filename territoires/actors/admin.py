from django import forms
from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from territoires.actors.models import (
    BodyMember,
    Category,
    Charter,
    GovernanceBody,
    Meeting,
    Organisation,
    Person,
    Relation,
    Signatory,
)


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


# Governance: the team edits it from the territory's pages; staff see it whole here.
class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["person"]


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    fields = ["date", "title", "published"]
    show_change_link = False


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(ObjectPermissionsModelAdmin):
    list_display = ["name", "kind", "territory", "created_on", "ended_on"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["territory"]
    inlines = [BodyMemberInline, MeetingInline]


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Charter)
class CharterAdmin(ObjectPermissionsModelAdmin):
    list_display = ["title", "territory", "adopted_on"]
    search_fields = ["title"]
    autocomplete_fields = ["territory"]
    inlines = [SignatoryInline]
