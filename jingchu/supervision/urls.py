"""Supervision's pages under /supervision/; each views module lists its own patterns."""

from django.urls import URLPattern

from jingchu.supervision.views import catalog, credit, inspections, plans

app_name = "supervision"

urlpatterns: list[URLPattern] = [
    *catalog.urlpatterns,
    *credit.urlpatterns,
    *plans.urlpatterns,
    *inspections.urlpatterns,
]
