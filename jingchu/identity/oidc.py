"""OpenID Connect claims for department systems (一次认证，全省通行)."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class JingchuOIDCValidator(OAuth2Validator):
    oidc_claim_scope = OAuth2Validator.oidc_claim_scope | {
        "name": "profile",
        "kind": "profile",
        "id_number": "id_number",
        "id_number_masked": "profile",
        "entities": "entities",
    }

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        from jingchu.identity.claims import user_claims

        return user_claims(request.user)
