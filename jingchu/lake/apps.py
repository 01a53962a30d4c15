from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LakeConfig(AppConfig):
    name = "jingchu.lake"
    label = "lake"
    verbose_name = _("Data lake")
    # The menu (core.navigation): label, url name, check in jingchu.lake.permissions.
    # Entries are added as the pages land: (_("Data lake"), "lake:datasets", "can_browse_lake").
    nav: list[tuple[str, str, str]] = []
