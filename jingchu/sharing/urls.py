"""Pages of the data-sharing exchange under /sharing/."""

from __future__ import annotations

from django.urls import URLPattern

from jingchu.sharing.views import urlpatterns as page_urls

app_name = "sharing"

urlpatterns: list[URLPattern] = page_urls
