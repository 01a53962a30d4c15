"""Acting for legal entities: whom the session acts for, and the representative's agents page."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.errors import ActionError
from jingchu.core.identifiers import IdentifierError, validate_id_number
from jingchu.core.masking import mask_id_number
from jingchu.identity import actions, permissions, services
from jingchu.identity.choices import ActingBasis
from jingchu.identity.models import ActingAuthorization, LegalEntity


class AuthorizeAgentForm(forms.Form):
    id_number = forms.CharField(
        label=gettext_lazy("Citizen ID number"), max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until (optional)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_id_number(self) -> str:
        try:
            return validate_id_number(self.cleaned_data["id_number"])
        except IdentifierError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


def _entity_by_uid(raw: str) -> LegalEntity:
    try:
        uid = uuid.UUID(raw)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(LegalEntity.objects.select_related("legal_representative"), uid=uid)


def _render_acting_as(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    person = services.person_of(request.user)
    grants = services.live_authorizations(person).select_related("legal_entity") if person else []
    context = {
        "acting": services.acting_for(request),
        "grants": grants,
        "error": error,
    }
    return render(request, "identity/entities_acting_as.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def acting_as(request: HttpRequest) -> HttpResponse:
    """GET lists the entities I may act for; POST `entity=<uid>` (empty: myself) switches."""
    permissions.require(permissions.can_choose_acting_for(request.user))
    if request.method == "GET":
        return _render_acting_as(request)
    raw = request.POST.get("entity", "").strip()
    entity = _entity_by_uid(raw) if raw else None
    if entity is not None:
        permissions.require(permissions.can_act_for(request.user, entity))
    try:
        actions.do_switch_acting_for(request.user, request.session, entity)
    except ActionError as exc:
        return _render_acting_as(request, exc.message, exc.status)
    if entity is None:
        messages.success(request, _("You now act as yourself."))
    else:
        messages.success(request, _("You now act for %(name)s.") % {"name": entity.name})
    return redirect("identity:acting_as")


def _agent_rows(entity: LegalEntity) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "uid": grant.uid,
            "name": grant.person.name,
            # The representative manages agents but has no need of their full numbers.
            "id_number_masked": mask_id_number(grant.person.id_number),
            "basis": grant.get_basis_display(),
            "valid_until": grant.valid_until,
            "expired": grant.valid_until is not None and grant.valid_until < today,
            "revocable": grant.basis != ActingBasis.LEGAL_REPRESENTATIVE,
        }
        for grant in services.entity_agents(entity)
    ]


def _authorize(request: HttpRequest, entity: LegalEntity, form: AuthorizeAgentForm) -> bool:
    """Authorize the person the form names; on refusal put the reason on the form."""
    agent = actions.find_person(form.cleaned_data["id_number"])
    if agent is None:
        form.add_error("id_number", _("No registered person has this citizen ID number."))
        return False
    valid_until: dt.date | None = form.cleaned_data["valid_until"]
    try:
        actions.do_authorize_agent(
            request.user, legal_entity=entity, agent=agent, valid_until=valid_until
        )
    except ActionError as exc:
        field = exc.details.get("field")
        form.add_error(field if field in form.fields else None, exc.message)
        return False
    messages.success(request, _("%(name)s may now act for the entity.") % {"name": agent.name})
    return True


@login_required
@require_http_methods(["GET", "POST"])
def entity_agents(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The legal representative's list of agents, with the form to authorize one more."""
    entity = _entity_by_uid(str(uid))
    permissions.require(permissions.can_manage_agents(request.user, entity))
    form = AuthorizeAgentForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _authorize(request, entity, form):
        return redirect("identity:entity_agents", uid=entity.uid)
    context = {"entity": entity, "agents": _agent_rows(entity), "form": form}
    status = 400 if form.is_bound else 200
    return render(request, "identity/entities_agents.html", context, status=status)


@login_required
@require_POST
def revoke_agent(request: HttpRequest, uid: uuid.UUID, grant_uid: uuid.UUID) -> HttpResponse:
    entity = _entity_by_uid(str(uid))
    permissions.require(permissions.can_manage_agents(request.user, entity))
    grant = get_object_or_404(
        ActingAuthorization.objects.select_related("person", "legal_entity"),
        uid=grant_uid, legal_entity=entity,
    )
    try:
        actions.do_revoke_authorization(request.user, grant)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s may no longer act for the entity.") % {"name": grant.person.name}
        )
    return redirect("identity:entity_agents", uid=entity.uid)


urlpatterns = [
    path("acting-as/", acting_as, name="acting_as"),
    path("entities/<uuid:uid>/agents/", entity_agents, name="entity_agents"),
    path(
        "entities/<uuid:uid>/agents/<uuid:grant_uid>/revoke/", revoke_agent,
        name="entity_agent_revoke",
    ),
]
