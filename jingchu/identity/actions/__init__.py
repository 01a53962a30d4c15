"""Every state change of the identity app, split by meaning; import them from here.

`registry`: people, legal entities, acting-for authorizations, staff and roles.
`login`: sign-in, lockout, the TOTP second factor, login history.
`clients`: OpenID Connect client registration.
"""

from jingchu.identity.actions.registry import (
    do_assign_role,
    do_authorize_agent,
    do_create_staff,
    do_register_legal_entity,
    do_register_person,
    do_revoke_authorization,
    find_person,
)

__all__ = [
    "do_assign_role",
    "do_authorize_agent",
    "do_create_staff",
    "do_register_legal_entity",
    "do_register_person",
    "do_revoke_authorization",
    "find_person",
]
