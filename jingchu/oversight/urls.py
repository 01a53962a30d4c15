"""The oversight pages under /oversight/; each views module lists its own patterns."""

from django.urls import URLPattern

from jingchu.oversight.views import board, home, task

app_name = "oversight"

urlpatterns: list[URLPattern] = [
    *home.urlpatterns,
    *task.urlpatterns,
    *board.urlpatterns,
]
