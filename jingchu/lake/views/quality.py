"""Pages of the lake: quality."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
