"""Read-only admin of the lake's datasets, versions and load jobs. Changes go through the lake's
pages, API and command line, whose actions audit them; the admin never writes behind the audit
trail. (The quality rules' admin is in admin_quality.py.)"""

from __future__ import annotations

from django.contrib import admin

from jingchu.core.admin import ReadOnlyAdmin
from jingchu.lake.models import Dataset, DatasetVersion, IngestJob


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "owner", "status", "current_version", "updated_at")
    list_filter = ("status", "update_frequency")
    search_fields = ("code", "name", "description")
    list_select_related = ("owner", "current_version")


@admin.register(DatasetVersion)
class DatasetVersionAdmin(ReadOnlyAdmin):
    list_display = ("dataset", "number", "row_count", "rejected_count", "byte_size",
                    "source_kind", "loaded_at", "loaded_by")
    list_filter = ("source_kind",)
    search_fields = ("dataset__code", "checksum")
    list_select_related = ("dataset", "loaded_by")


@admin.register(IngestJob)
class IngestJobAdmin(ReadOnlyAdmin):
    list_display = ("dataset", "status", "stage", "source_kind", "source_name", "rows_done",
                    "rows_total", "rejected_count", "created_at", "finished_at")
    list_filter = ("status", "source_kind")
    search_fields = ("dataset__code", "source_name")
    list_select_related = ("dataset",)

# The quality area's admin (rules, audit runs, rectifications) lives beside it.
from jingchu.lake import admin_quality  # noqa: E402, F401
