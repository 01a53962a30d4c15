from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "jingchu.opendata"
    label = "opendata"
    verbose_name = _("Open data")
    demo_module = "jingchu.opendata.demo"
    # The menu (core.navigation): label, url name, check in jingchu.opendata.permissions.
    nav = [
        (_("Open data"), "opendata:portal", "can_view_portal"),
        (_("My open datasets"), "opendata:manage", "can_view_manage_page"),
        (_("Open data review"), "opendata:review", "can_view_review_queue"),
    ]
