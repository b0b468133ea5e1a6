from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdmin

from territoires.accounts import data
from territoires.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["territory"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Deleting an account here erases it as « Mes données » does (accounts/data.py): its
    personal data everywhere, its contributions credited to « Personne supprimée »."""

    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "is_facilitator",
        "is_curator",
        "is_staff",
        "is_active",
    ]
    list_filter = ["is_facilitator", "is_curator", "is_staff", "is_active"]
    search_fields = ["email", "display_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profil"), {"fields": ["display_name", "first_name", "last_name"]}),
        (
            _("Rôles"),
            {
                "fields": [
                    "is_facilitator",
                    "is_curator",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def delete_model(self, request, obj):
        self._erase(request, [obj])

    def delete_queryset(self, request, queryset):
        self._erase(request, list(queryset))

    def _erase(self, request, users):
        for user in users:
            try:
                data.erase_account(user)
            except data.ErasureRefused as refusal:
                messages.error(request, f"{user.pk} : {refusal}")


@admin.register(Membership)
class MembershipAdmin(ObjectPermissionsModelAdmin):
    list_display = ["user", "territory", "role", "created_at"]
    list_filter = ["role", "territory__kind"]
    search_fields = ["user__email", "territory__name", "territory__code"]
    autocomplete_fields = ["user", "territory"]
