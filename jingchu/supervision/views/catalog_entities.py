"""The directory of supervised entities (检查对象名录库): search and filters, registering an
entity, and the entity page (industry, region, licences in force, the current credit grade
with its explanation, the grade history, inspections and credit records)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.errors import NotFound
from jingchu.identity.models import LegalEntity
from jingchu.licenses.holders import licences_in_force
from jingchu.supervision import credit, permissions
from jingchu.supervision import queries_catalog as queries
from jingchu.supervision.actions import catalog
from jingchu.supervision.choices import CreditSource
from jingchu.supervision.models import SupervisedEntity
from jingchu.supervision.views.catalog_common import (
    PAGE_SIZE,
    nav,
    optional_url,
    query_without_page,
    require,
    run_action,
)
from jingchu.supervision.views.catalog_forms import (
    EntityEditForm,
    EntityFilterForm,
    EntityRegisterForm,
)


def _register(user: Any, data: dict[str, Any]) -> SupervisedEntity:
    return catalog.do_register_entity(user, legal_entity=queries.legal_entity(data["uscc"]),
                                      industry=data["industry"])


def _filtered(form: EntityFilterForm) -> Any:
    if not form.is_valid():
        return queries.entity_directory()
    data = form.cleaned_data
    return queries.entity_directory(q=data["q"], industry=data["industry"],
                                    region=data["region"], grade=data["grade"])


@login_required
@require_http_methods(["GET", "POST"])
def entities(request: HttpRequest) -> HttpResponse:
    """Search the directory; leaders of regulating departments register entities in it."""
    user = request.user
    require(permissions.can_view_directory(user))
    may_register = permissions.can_manage_entities(user)
    form, status = EntityRegisterForm(request.POST or None), 200
    if request.method == "POST":
        require(may_register)
        entry, status = run_action(form, lambda data: _register(user, data),
                                   {"legal_entity": "uscc"})
        if entry is not None:
            messages.success(request, _("%(name)s is in the directory.")
                             % {"name": entry.legal_entity.name})
            return redirect("supervision:entity", uid=entry.uid)
    filters = EntityFilterForm(request.GET or None, regions=queries.regions_for_filter())
    page = Paginator(_filtered(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/catalog_entities.html", {
        "page": page, "filters": filters, "query": query_without_page(request),
        "form": form, "may_register": may_register,
        "default_grade": credit.DEFAULT_GRADE, **nav(user, "entities")}, status=status)


def _evidence(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Evidence references of an explanation row, with a link where the reader may follow it
    (inspections to their page)."""
    linked = row.get("source") == CreditSource.INSPECTION
    return [{"reference": ref,
             "url": optional_url("supervision:inspection", number=ref) if linked else None}
            for ref in row.get("evidence", [])]


def _explanation(grade: Any) -> list[dict[str, Any]]:
    if grade is None:
        return []
    return [{**row, "links": _evidence(row)} for row in grade.explanation]


def _inspections(legal: LegalEntity) -> list[dict[str, Any]]:
    return [{"inspection": i, "url": optional_url("supervision:inspection", number=i.number)}
            for i in queries.inspections_of(legal)]


def _entity_context(user: Any, legal: LegalEntity, entry: SupervisedEntity | None,
                    form: EntityEditForm | None, register: EntityRegisterForm | None,
                    ) -> dict[str, Any]:
    history = queries.grade_history(legal)
    current = next((g for g in history if g.is_current), None)
    may_manage = permissions.can_manage_entities(user)
    if entry is not None and form is None:
        form = EntityEditForm(initial={"industry": entry.industry, "is_active": entry.is_active})
    if entry is None and register is None:
        register = EntityRegisterForm(initial={"uscc": legal.uscc})
    return {
        "legal": legal, "entry": entry, "current": current,
        "grade": current.grade if current else credit.DEFAULT_GRADE,
        "grade_label": credit.grade_label(current.grade if current else credit.DEFAULT_GRADE),
        "explanation": _explanation(current), "history": history,
        "licences": licences_in_force(legal), "inspections": _inspections(legal),
        "records": queries.records_of(legal), "may_manage": may_manage,
        "may_recompute": permissions.can_recompute_grades(user),
        "form": form, "register": register, **nav(user, "entities")}


@login_required
def entity(request: HttpRequest, uid: str) -> HttpResponse:
    """One entity, by the uid of its directory entry (or of the legal entity itself)."""
    require(permissions.can_view_credit(request.user))
    legal, entry = _subject(uid)
    return render(request, "supervision/catalog_entity.html",
                  _entity_context(request.user, legal, entry, None, None))


def _subject(uid: str) -> tuple[LegalEntity, SupervisedEntity | None]:
    try:
        return queries.entity_page_subject(uid)
    except NotFound:
        raise Http404 from None


@login_required
@require_POST
def entity_edit(request: HttpRequest, uid: str) -> HttpResponse:
    """Change the industry, or take the entity off the directory (or put it back)."""
    user = request.user
    require(permissions.can_manage_entities(user))
    legal, entry = _subject(uid)
    if entry is None:
        return redirect("supervision:entity", uid=legal.uid)
    form = EntityEditForm(request.POST)
    done, status = run_action(form, lambda data: catalog.do_update_entity(
        user, entry, industry=data["industry"], is_active=data["is_active"]))
    if done is None:
        return render(request, "supervision/catalog_entity.html",
                      _entity_context(user, legal, entry, form, None), status=status)
    messages.success(request, _("Entity saved."))
    return redirect("supervision:entity", uid=entry.uid)


urlpatterns: list[URLPattern] = [
    path("entities/", entities, name="entities"),
    path("entities/<str:uid>/", entity, name="entity"),
    path("entities/<str:uid>/edit/", entity_edit, name="entity_edit"),
]
