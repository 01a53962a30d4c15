"""The business-environment pages under /bizenv/; each views module lists its own patterns."""

from django.urls import URLPattern

from jingchu.bizenv.views import manage, pages

app_name = "bizenv"

urlpatterns: list[URLPattern] = [
    *pages.urlpatterns,
    *manage.urlpatterns,
]
