from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jingchu.core"
    label = "core"
    verbose_name = _("Core")
    demo_module = "jingchu.core.demo"
    nav = [
        (_("Administrative divisions"), "core:regions", "can_view_regions"),
        (_("Audit trail"), "core:audit", "can_view_audit"),
        (_("Inbox"), "core:inbox", "can_use_inbox"),
    ]
