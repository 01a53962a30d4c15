"""Django admin of the cockpit: read-only. Rollups are written only by the refresh
(`jingchu cockpit refresh`, the scheduler, the cockpit's button); the admin is for looking at
when each KPI's day was last refreshed and why one failed."""

from __future__ import annotations

from django.contrib import admin

from jingchu.cockpit.models import RefreshRun
from jingchu.core.admin import ReadOnlyAdmin


@admin.register(RefreshRun)
class RefreshRunAdmin(ReadOnlyAdmin):
    list_display = ("day", "kpi_code", "rows", "finished_at", "error")
    list_filter = ("kpi_code",)
    date_hierarchy = "day"
    search_fields = ("kpi_code", "error")
