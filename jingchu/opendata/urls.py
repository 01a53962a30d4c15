"""Pages of the open-data portal under /open/."""

from __future__ import annotations

from django.urls import path

from jingchu.opendata import views, views_manage

app_name = "opendata"

urlpatterns = [
    path("", views.portal, name="portal"),
    path("catalog.jsonld", views.catalog_jsonld, name="dcat"),
    path("licences/", views.licences, name="licences"),
    path("manage/", views_manage.manage, name="manage"),
    path("manage/new/", views_manage.new, name="new"),
    path("manage/<slug:name>/edit/", views_manage.edit, name="edit"),
    path("manage/<slug:name>/step/", views_manage.step, name="step"),
    path("review/", views_manage.review_queue, name="review"),
    path("<slug:name>/", views.dataset, name="dataset"),
    path("<slug:name>/preview/", views.records_page, name="preview"),
    path("<slug:name>/download.<str:fmt>", views.download, name="download"),
]
