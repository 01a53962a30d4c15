"""The exchange gateway under /gateway/ (stable paths for department systems)."""

from __future__ import annotations

from django.conf import settings
from django.urls import path

from jingchu.sharing import gateway, gateway_bench

app_name = "gateway"

urlpatterns = [
    path("v1/resources/<str:code>/lookup", gateway.lookup, name="lookup"),
    path("v1/grants", gateway.grants, name="grants"),
]

if settings.BENCH:  # the benchmark's HTTP anchor; never in production (config.JINGCHU_BENCH)
    urlpatterns.append(path("v1/bench/point", gateway_bench.point_select, name="bench-point"))
