from django.urls import path

from jingchu.core import views

app_name = "core"
urlpatterns = [
    path("regions/", views.region_list, name="regions"),
    path("audit/", views.audit_list, name="audit"),
]
