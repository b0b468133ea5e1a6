from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from territoires.controversies.models import Controversy, Position, Venue


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["holders"]


class VenueInline(admin.TabularInline):
    model = Venue
    extra = 0
    raw_id_fields = ["meeting"]


@admin.register(Controversy)
class ControversyAdmin(ObjectPermissionsModelAdmin):
    list_display = ["subject", "territory", "state", "opened_on"]
    list_filter = ["state"]
    search_fields = ["subject", "territory__name"]
    raw_id_fields = ["territory"]
    readonly_fields = ["state", "published_at"]
    inlines = [PositionInline, VenueInline]
