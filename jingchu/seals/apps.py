from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SealsConfig(AppConfig):
    name = "jingchu.seals"
    label = "seals"
    verbose_name = _("Electronic seals")
    demo_module = "jingchu.seals.demo"
    nav = [
        (_("Electronic seals"), "seals:list", "can_list_seals"),
        (_("Verify a seal"), "seals:verify", "can_verify_signatures"),
    ]
