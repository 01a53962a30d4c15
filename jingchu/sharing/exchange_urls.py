"""Pages of the exchange records under /exchange/."""

from __future__ import annotations

from django.urls import path

from jingchu.sharing import exchange_views as views

app_name = "exchange"

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("calls/", views.calls, name="calls"),
    path("clients/", views.clients, name="clients"),
    path("clients/register", views.register_client, name="register_client"),
    path("clients/<uuid:uid>/<str:action>", views.client_action, name="client_action"),
]
