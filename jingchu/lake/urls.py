from __future__ import annotations

from django.urls import URLPattern

from jingchu.lake.views import datasets, linkage, quality

app_name = "lake"

urlpatterns: list[URLPattern] = [*datasets.urlpatterns, *quality.urlpatterns,
                                 *linkage.urlpatterns]
