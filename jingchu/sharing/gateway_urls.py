"""The exchange gateway under /gateway/ (stable paths for department systems)."""

from __future__ import annotations

from django.urls import path

from jingchu.sharing import gateway

app_name = "gateway"

urlpatterns = [
    path("v1/resources/<str:code>/lookup", gateway.lookup, name="lookup"),
    path("v1/grants", gateway.grants, name="grants"),
]
