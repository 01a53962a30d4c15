from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "jingchu.hotline"
    label = "hotline"
    verbose_name = _("12345 hotline")
    demo_module = "jingchu.hotline.demo"
    nav: list[tuple[object, str, str]] = [
        (_("12345 hotline"), "hotline:portal", "can_file_online"),
        (_("My 12345 requests"), "hotline:mine", "can_list_own_tickets"),
        (_("Hotline desk"), "hotline:desk", "can_use_operator_desk"),
        (_("12345 tickets to handle"), "hotline:queue", "can_use_department_queue"),
        (_("Hotline statistics"), "hotline:stats", "can_view_stats"),
    ]
