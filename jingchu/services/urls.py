from django.urls import URLPattern, path

from jingchu.services import views

app_name = "services"
urlpatterns: list[URLPattern] = [
    path("", views.catalog_list, name="catalog"),
    path("manage/<str:code>/edit/", views.item_edit, name="edit"),
    path("<str:code>/", views.item_detail, name="detail"),
]
