from django.urls import path

from jingchu.core import views
from jingchu.core.inbox import inbox as inbox_view

app_name = "core"
urlpatterns = [
    path("regions/", views.region_list, name="regions"),
    path("audit/", views.audit_list, name="audit"),
    path("inbox/", inbox_view, name="inbox"),
]
