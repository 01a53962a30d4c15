"""Case pages for the applicant."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
