from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "jingchu.identity"
    label = "identity"
    verbose_name = _("Identity")
    demo_module = "jingchu.identity.demo"
    nav = [
        (_("Act for an enterprise"), "identity:acting_as", "can_choose_acting_for"),
        (_("Verify in person"), "identity:verify_in_person", "can_verify_in_person"),
        (_("Connected systems"), "identity:clients", "can_manage_oidc_clients"),
    ]
