from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BizenvConfig(AppConfig):
    name = "jingchu.bizenv"
    label = "bizenv"
    verbose_name = _("Business environment (营商环境评估)")
    demo_module = "jingchu.bizenv.demo"
    nav: list[tuple[object, str, str]] = [
        (_("Business environment"), "bizenv:home", "can_use_bizenv"),
    ]
