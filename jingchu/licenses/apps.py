from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensesConfig(AppConfig):
    name = "jingchu.licenses"
    label = "licenses"
    verbose_name = _("Electronic licences")
    default_auto_field = "django.db.models.BigAutoField"
    demo_module = "jingchu.licenses.demo"
    nav = [
        (_("My licences"), "licenses:wallet", "can_view_wallet"),
        (_("Licences issued"), "licenses:issued", "can_list_issued"),
        (_("Import licences"), "licenses:imports", "can_import_any"),
    ]

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from jingchu.cases.models import CaseEvent
        from jingchu.licenses.issuance import on_case_event

        post_save.connect(on_case_event, sender=CaseEvent,
                          dispatch_uid="licenses.issue_on_approval")

        from jingchu.cases import material_sources
        from jingchu.licenses.provider import LicenseProvider
        from jingchu.services.choices import MaterialSource

        material_sources.register(MaterialSource.LICENSE, LicenseProvider())
