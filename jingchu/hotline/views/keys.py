"""Open311 keys (接入密钥) of the centres a supervisor supervises: list, make one (the key is
shown once, on the page that made it), revoke."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.errors import ActionError
from jingchu.hotline import permissions
from jingchu.hotline.actions import open311_keys
from jingchu.hotline.models import Centre, Open311Key
from jingchu.hotline.views.common import desk_nav, require, run_action


class KeyForm(forms.Form):
    centre = forms.ModelChoiceField(label=gettext_lazy("Hotline centre"),
                                    queryset=Centre.objects.none())
    name = forms.CharField(label=gettext_lazy("System name"), max_length=100)

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["centre"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = centres


def _centres(user: Any) -> Any:
    if getattr(user, "is_superuser", False):
        return Centre.objects.all()
    return Centre.objects.filter(pk__in=permissions.supervised_centre_ids(user))


@login_required
@require_http_methods(["GET", "POST"])
def keys(request: HttpRequest) -> HttpResponse:
    require(permissions.can_manage_configuration(request.user))
    centres = _centres(request.user)
    form = KeyForm(request.POST or None, centres=centres)
    raw, status = "", 200
    if request.method == "POST":
        made, status = run_action(form, lambda data: open311_keys.do_create_key(
            request.user, centre=data["centre"], name=data["name"]))
        if made is not None:
            raw = made[1]
            form = KeyForm(centres=centres)
    rows = Open311Key.objects.filter(centre__in=centres).select_related("centre", "created_by")
    return render(request, "hotline/keys.html", {
        "form": form, "keys": rows, "raw_key": raw, **desk_nav(request.user, "keys")},
        status=status)


@login_required
@require_POST
def revoke_key(request: HttpRequest, uid: str) -> HttpResponse:
    require(permissions.can_manage_configuration(request.user))
    key = Open311Key.objects.filter(uid=uid, centre__in=_centres(request.user)).first()
    if key is None:
        raise Http404
    try:
        open311_keys.do_revoke_key(request.user, key)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The key is revoked."))
    return redirect("hotline:keys")


urlpatterns: list[URLPattern] = [
    path("config/keys/", keys, name="keys"),
    path("config/keys/<uuid:uid>/revoke/", revoke_key, name="revoke_key"),
]
