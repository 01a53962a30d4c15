"""Read-only admin of the catalog. Item changes publish a new version through the staff edit
page (`services:edit`), which audits them; the admin never writes behind the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jingchu.core.admin import ReadOnlyAdmin
from jingchu.services.models import (
    ItemImplementation,
    ItemVersion,
    MaterialRequirement,
    ServiceItem,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VersionInline(ReadOnlyInline):
    model = ItemVersion
    fields = ("number", "name", "promised_days", "published_at", "published_by", "change_note")
    show_change_link = True


class ImplementationInline(ReadOnlyInline):
    model = ItemImplementation
    fields = ("organization", "code", "service_area", "promised_days", "is_active")


class MaterialInline(ReadOnlyInline):
    model = MaterialRequirement
    fields = ("position", "name", "necessity", "condition", "source", "license_type_code",
              "data_resource_code", "copies")


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "version_number", "edit_link")
    search_fields = ("code", "current_version__name", "current_version__keywords")
    list_filter = ("current_version__item_type",)
    inlines = [VersionInline, ImplementationInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("current_version")

    @admin.display(description=_("name"))
    def name(self, obj: ServiceItem) -> str:
        return obj.current_version.name if obj.current_version else ""

    @admin.display(description=_("version"))
    def version_number(self, obj: ServiceItem) -> int | None:
        return obj.current_version.number if obj.current_version else None

    @admin.display(description=_("Edit"))
    def edit_link(self, obj: ServiceItem) -> str:
        url = reverse("services:edit", kwargs={"code": obj.code})
        return format_html('<a href="{}">{}</a>', url, _("Publish a new version"))


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnlyAdmin):
    list_display = ("item", "number", "name", "item_type", "promised_days", "published_at")
    list_filter = ("item_type", "case_kind")
    search_fields = ("item__code", "name")
    inlines = [MaterialInline]


@admin.register(ItemImplementation)
class ItemImplementationAdmin(ReadOnlyAdmin):
    list_display = ("code", "item", "organization", "service_area", "is_active")
    list_filter = ("service_area",)
    search_fields = ("code", "item__code", "organization__name")
