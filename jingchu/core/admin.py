"""Read-only admin views of core data: changes go through actions (pages and commands), which
audit them; the admin is for looking, so it never writes behind the audit trail's back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from jingchu.core.models import (
    AuditEvent,
    CalendarDay,
    CalendarYear,
    Notification,
    Organization,
    Region,
)

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:  # ModelAdmin is generic only in the type stubs
    _ModelAdmin = admin.ModelAdmin


class ReadOnlyAdmin(_ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "parent", "is_statistical", "directly_administered")
    list_filter = ("level", "is_statistical", "directly_administered")
    search_fields = ("code", "name")


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "region", "uscc", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "uscc")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_label", "source_ip")
    list_filter = ("action",)
    search_fields = ("actor_label", "action", "object_id", "object_label")
    date_hierarchy = "at"


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "provisional", "source")


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "channel", "subject", "status", "attempts")
    list_filter = ("status", "channel")
