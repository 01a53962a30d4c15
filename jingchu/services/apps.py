from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "jingchu.services"
    label = "services"
    verbose_name = _("Service items")
    demo_module = "jingchu.services.demo"
    nav = [
        (_("Service catalog"), "services:catalog", "can_view_catalog"),
    ]
