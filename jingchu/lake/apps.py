from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LakeConfig(AppConfig):
    name = "jingchu.lake"
    label = "lake"
    verbose_name = _("Data lake")
    demo_module = "jingchu.lake.demo"
    # The menu (core.navigation): label, url name, check in jingchu.lake.permissions.
    nav = [
        (_("Data lake"), "lake:datasets", "can_browse_lake"),
        (_("Quality audits"), "lake:audits", "can_browse_lake"),
        (_("Rectification tasks"), "lake:rectifications", "can_browse_lake"),
        (_("Record linkage"), "lake:linkage_runs", "can_view_linkage"),
    ]
