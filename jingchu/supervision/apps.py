from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "jingchu.supervision"
    label = "supervision"
    verbose_name = _("Supervision (双随机一公开)")
    demo_module = "jingchu.supervision.demo"
    nav: list[tuple[object, str, str]] = [
        (_("Inspection results"), "supervision:public_results", "can_view_public"),
        (_("Public draws"), "supervision:public_draws", "can_view_public"),
        (_("Internet + supervision"), "supervision:home", "can_use_supervision"),
    ]
