"""The exchange gateway under /gateway/ (stable paths for department systems)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "gateway"

urlpatterns: list[URLPattern] = []
