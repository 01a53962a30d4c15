from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "jingchu.cases"
    label = "cases"
    verbose_name = _("Cases")
    demo_module = "jingchu.cases.demo"
    nav = [
        (_("My cases"), "cases:mine", "can_apply"),
        (_("Workbench"), "cases:workbench", "can_use_workbench"),
        (_("Counter intake"), "cases:counter", "can_use_counter"),
    ]
