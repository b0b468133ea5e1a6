from django.contrib import admin
from django_fsm.admin import FSMAdminMixin
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


class PublishableAdmin(FSMAdminMixin, ObjectPermissionsModelAdmin):
    """The state changes by its workflow's buttons, each transition logged."""

    fsm_fields = ["state"]
    readonly_fields = ["state"]


@admin.register(Initiative)
class InitiativeAdmin(PublishableAdmin):
    list_display = ["title", "territory", "state", "status", "updated_at"]
    list_filter = ["state", "status", "themes"]
    search_fields = ["title", "summary", "territory__name"]
    autocomplete_fields = ["territory"]
    inlines = [ResultInline, ContactInline, ResourceInline]
    readonly_fields = ["state", "author", "created_at", "updated_at"]


@admin.register(Verbatim)
class VerbatimAdmin(PublishableAdmin):
    list_display = ["speaker", "territory", "category", "state", "said_on"]
    list_filter = ["state", "category"]
    search_fields = ["text", "speaker_role", "territory__name"]
    autocomplete_fields = ["territory", "initiative"]

    def save_model(self, request, obj, form, change):
        services.save_verbatim(obj, by=request.user)


@admin.register(Milestone)
class MilestoneAdmin(PublishableAdmin):
    list_display = ["title", "territory", "year", "phase", "state"]
    list_filter = ["phase", "state"]
    autocomplete_fields = ["territory"]


@admin.register(Theme)
class ThemeAdmin(ObjectPermissionsModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
