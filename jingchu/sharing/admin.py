"""Read-only admin of the catalog, the lists, requests, grants and error reports. Changes go
through the sharing pages and API, whose actions audit them; the admin never writes behind the
audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jingchu.core.admin import ReadOnlyAdmin
from jingchu.sharing.models import (
    DataResource,
    ErrorReport,
    Grant,
    ListEntry,
    ResourceField,
    ShareRequest,
)


class FieldInline(admin.TabularInline):
    model = ResourceField
    extra = 0
    can_delete = False
    fields = ("position", "name", "label", "data_type", "sensitivity", "mask")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DataResource)
class DataResourceAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "owner", "share_type", "open_type", "mount_kind", "status")
    list_filter = ("status", "share_type", "open_type", "mount_kind")
    search_fields = ("code", "name", "description")
    inlines = [FieldInline]


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdmin):
    list_display = ("organization", "kind", "name", "resource", "provider")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(ShareRequest)
class ShareRequestAdmin(ReadOnlyAdmin):
    list_display = ("resource", "consumer", "status", "requested_at", "review_deadline")
    list_filter = ("status",)


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ("resource", "consumer", "status", "valid_from", "valid_until", "rate_limit")
    list_filter = ("status",)


@admin.register(ErrorReport)
class ErrorReportAdmin(ReadOnlyAdmin):
    list_display = ("resource", "reporter", "status", "reported_at")
    list_filter = ("status",)
