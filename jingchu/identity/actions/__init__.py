"""Every state change of the identity app, split by meaning; import them from here.

`registry`: people, legal entities, acting-for authorizations, staff and roles.
`login`: sign-in, lockout, the TOTP second factor, login history.
`clients`: OpenID Connect client registration.
"""

from jingchu.identity.actions.clients import (
    do_disable_client,
    do_register_client,
    do_register_service_client,
    do_rotate_client_secret,
    do_set_id_number_access,
)
from jingchu.identity.actions.login import (
    do_begin_totp_enrolment,
    do_confirm_totp_enrolment,
    do_disable_totp,
    do_look_up_person,
    do_password_step,
    do_totp_step,
    do_verify_in_person,
)
from jingchu.identity.actions.registry import (
    do_assign_role,
    do_authorize_agent,
    do_create_staff,
    do_register_legal_entity,
    do_register_person,
    do_revoke_authorization,
    do_switch_acting_for,
    find_person,
)

__all__ = [
    "do_assign_role",
    "do_authorize_agent",
    "do_begin_totp_enrolment",
    "do_confirm_totp_enrolment",
    "do_create_staff",
    "do_disable_client",
    "do_disable_totp",
    "do_look_up_person",
    "do_password_step",
    "do_register_client",
    "do_register_legal_entity",
    "do_register_person",
    "do_register_service_client",
    "do_revoke_authorization",
    "do_rotate_client_secret",
    "do_set_id_number_access",
    "do_switch_acting_for",
    "do_totp_step",
    "do_verify_in_person",
    "find_person",
]
