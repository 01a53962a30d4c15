from django.urls import path

from jingchu.cockpit.views import export, pages, screen

app_name = "cockpit"

urlpatterns = [
    path("", pages.home, name="home"),
    path("kpi/<str:code>/", pages.kpi_detail, name="kpi"),
    path("kpi/<str:code>/export.xlsx", export.kpi_xlsx, name="export"),
    path("refresh/", pages.refresh, name="refresh"),
    path("screen/", screen.screen, name="screen"),
    path("screen/data.json", screen.screen_data, name="screen_data"),
]
