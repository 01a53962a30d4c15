"""Public ledger pages under /ledger/."""

from __future__ import annotations

from django.urls import URLPattern, path

from jingchu.ledger import views

app_name = "ledger"

urlpatterns: list[URLPattern] = [
    path("", views.ledger_home, name="home"),
]
