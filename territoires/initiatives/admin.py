from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from territoires.initiatives import services
from territoires.initiatives.forms import ContactForm, ResourceForm
from territoires.initiatives.models import (
    Initiative,
    InitiativeContact,
    InitiativeResource,
    InitiativeResult,
    Milestone,
    Theme,
    Verbatim,
)


class ResultInline(admin.TabularInline):
    model = InitiativeResult
    extra = 0


class ContactInline(admin.TabularInline):
    model = InitiativeContact
    form = ContactForm
    extra = 0


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
