"""Pages of data sharing under /sharing/."""

from __future__ import annotations

from django.urls import URLPattern, path

from jingchu.sharing.views import catalog, grants, lists, reports, requests

urlpatterns: list[URLPattern] = [
    path("", catalog.catalog, name="catalog"),
    path("resources/new/", catalog.resource_new, name="resource_new"),
    path("resources/<str:code>/", catalog.resource_detail, name="resource"),
    path("resources/<str:code>/edit/", catalog.resource_edit, name="resource_edit"),
    path("resources/<str:code>/state/", catalog.resource_state, name="resource_state"),
    path("resources/<str:code>/mount/", catalog.resource_mount, name="resource_mount"),
    path("resources/<str:code>/request/", requests.request_new, name="request_new"),
    path("lists/", lists.lists, name="lists"),
    path("lists/new/", lists.list_new, name="list_new"),
    path("lists/<uuid:uid>/delete/", lists.list_delete, name="list_delete"),
    path("requests/", requests.requests_page, name="requests"),
    path("requests/<uuid:uid>/", requests.request_detail, name="request"),
    path("requests/<uuid:uid>/review/", requests.request_review, name="request_review"),
    path("grants/", grants.grants_page, name="grants"),
    path("grants/<uuid:uid>/", grants.grant_detail, name="grant"),
    path("grants/<uuid:uid>/change/", grants.grant_change, name="grant_change"),
    path("errors/", grants.errors_page, name="errors"),
    path("errors/new/", grants.error_new, name="error_new"),
    path("errors/<uuid:uid>/answer/", grants.error_answer, name="error_answer"),
    path("reports/", reports.reports_page, name="reports"),
]
