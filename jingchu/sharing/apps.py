from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "jingchu.sharing"
    label = "sharing"
    verbose_name = _("Data sharing")
    demo_module = "jingchu.sharing.demo"
    # The menu (core.navigation): label, url name, check in jingchu.sharing.permissions.
    nav = [
        (_("Data catalog"), "sharing:catalog", "can_browse_catalog"),
        (_("Share requests"), "sharing:requests", "can_list_requests"),
        (_("Grants"), "sharing:grants", "can_list_grants"),
        (_("Exchange calls"), "exchange:calls", "can_view_calls"),
        (_("Gateway clients"), "exchange:clients", "can_manage_gateway_clients"),
        (_("Who read my data"), "exchange:my_data", "can_view_own_reads"),
    ]

    def ready(self) -> None:
        from jingchu.cases import material_sources, prefill
        from jingchu.lake import links as lake_links
        from jingchu.services.choices import MaterialSource
        from jingchu.sharing.lake_links import mounted_resources
        from jingchu.sharing.provider import FormPrefill, SharedDataProvider

        material_sources.register(MaterialSource.DATA_RESOURCE, SharedDataProvider())
        prefill.register(FormPrefill())
        lake_links.register(mounted_resources)
