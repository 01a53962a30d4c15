"""CKAN's action API (jingchu.opendata.ckan), included at /api/3/action/ and /api/action/."""

from __future__ import annotations

from django.urls import path

from jingchu.opendata import ckan

urlpatterns = [
    path("<str:action>", ckan.action, name="ckan-action"),
]
