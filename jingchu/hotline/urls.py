"""The hotline's pages under /hotline/; each views module lists its own patterns."""

from django.urls import URLPattern

from jingchu.hotline.views import configuration, desk, desk_tickets, keys, portal, queue, stats

app_name = "hotline"

urlpatterns: list[URLPattern] = [
    *portal.urlpatterns,
    *desk.urlpatterns,
    *desk_tickets.urlpatterns,
    *queue.urlpatterns,
    *configuration.urlpatterns,
    *keys.urlpatterns,
    *stats.urlpatterns,
]
