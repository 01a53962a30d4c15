from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "jingchu.cockpit"
    label = "cockpit"
    verbose_name = _("Decision cockpit (驾驶舱)")
    demo_module = "jingchu.cockpit.demo"
    nav: list[tuple[object, str, str]] = [
        (_("Cockpit"), "cockpit:home", "can_use_cockpit"),
    ]
