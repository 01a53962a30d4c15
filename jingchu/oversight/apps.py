from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "jingchu.oversight"
    label = "oversight"
    verbose_name = _("Oversight (督查)")
    demo_module = "jingchu.oversight.demo"
    nav: list[tuple[object, str, str]] = [
        (_("Oversight tasks"), "oversight:home", "can_use_oversight"),
        (_("Oversight board"), "oversight:board", "can_view_board"),
    ]
