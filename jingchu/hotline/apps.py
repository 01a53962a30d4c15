from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "jingchu.hotline"
    label = "hotline"
    verbose_name = _("12345 hotline")
    demo_module = "jingchu.hotline.demo"
    nav: list[tuple[object, str, str]] = []
