"""The admin shows open datasets read-only: every change goes through the workflow's actions,
which audit it."""

from __future__ import annotations

from django.contrib import admin

from jingchu.core.admin import ReadOnlyAdmin
from jingchu.opendata.models import OpenDataset, OpenDatasetUsage


@admin.register(OpenDataset)
class OpenDatasetAdmin(ReadOnlyAdmin):
    list_display = ("name", "title", "owner", "status", "row_count", "modified_at")
    list_filter = ("status", "licence", "update_frequency")
    search_fields = ("name", "title")


@admin.register(OpenDatasetUsage)
class OpenDatasetUsageAdmin(ReadOnlyAdmin):
    list_display = ("dataset", "day", "views", "api_calls", "downloads_csv", "downloads_json",
                    "downloads_xlsx", "downloads_parquet")
    date_hierarchy = "day"
