from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdmin

from territoires.territories.enums import TerritoryKind
from territoires.territories.models import ProjectMembership, RegistryImport, Territory
from territoires.territories.services import projects


class ProjectMembershipInline(admin.TabularInline):
    model = ProjectMembership
    fk_name = "project"
    extra = 3
    autocomplete_fields = ["member"]
    verbose_name = _("membre")


@admin.register(Territory)
class TerritoryAdmin(ObjectPermissionsModelAdmin):
    list_display = ["name", "kind", "code", "population", "area_km2"]
    list_filter = ["kind"]
    search_fields = ["search_key", "code", "name"]
    readonly_fields = [
        "population",
        "population_source",
        "population_year",
        "area_km2",
        "region",
        "departement",
        "epci",
        "commune",
        "created_by",
    ]
    fields = ["kind", "code", "name", "subkind", *readonly_fields]
    list_per_page = 50
    show_full_result_count = False

    def get_inlines(self, request, obj):
        return [ProjectMembershipInline] if obj and obj.is_project else []

    def get_readonly_fields(self, request, obj=None):
        # Official territories come from the registry import: read only.
        if obj and not obj.is_project:
            return [*self.readonly_fields, "kind", "code", "name", "subkind"]
        return self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "kind" in form.base_fields:
            form.base_fields["kind"].choices = [
                (TerritoryKind.PROJECT, TerritoryKind.PROJECT.label)
            ]
            form.base_fields["code"].required = False
        return form

    def save_model(self, request, obj, form, change):
        if not obj.is_project:
            return super().save_model(request, obj, form, change)
        if not obj.code:
            obj.code = projects.next_project_code()
        obj.created_by = obj.created_by or request.user
        projects.fill_project_names(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.is_project:
            projects.refresh_project(form.instance)
            messages.info(request, _("Contour et population recalculés à partir des membres."))

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or obj.is_project)


@admin.register(RegistryImport)
class RegistryImportAdmin(ObjectPermissionsModelAdmin):
    list_display = [
        "finished_at",
        "source",
        "created",
        "updated",
        "deleted",
        "unchanged",
        "rejected",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
