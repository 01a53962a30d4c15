"""Case pages for the workbench."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
