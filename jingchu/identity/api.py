"""Who am I: the signed-in user's own account, by session or OAuth2 bearer token."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from jingchu.identity import permissions
from jingchu.identity.schemas import MeOut
from jingchu.identity.services import describe_me

router = Router(tags=["identity"])


@router.get("/me", response=MeOut, auth=django_auth)
def me(request: HttpRequest) -> MeOut:
    permissions.require(permissions.can_view_own_account(request.user))
    return MeOut(**describe_me(request))
