"""Pages of the bulk import of existing licences, under /licences/imports/: the upload form
with the imports of my organizations, and an import's page whose progress element polls a small
fragment until the import is done or rejected (then it shows the report of rejected rows).

The import itself runs as a task after the upload commits (in-process when tasks are eager)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.licenses import actions, imports, permissions
from jingchu.licenses.choices import ImportStatus
from jingchu.licenses.models import LicenseImport, LicenseIssuer, LicenseType

LIST_SIZE = 50


def _issuer_rows(user: Any) -> QuerySet[LicenseIssuer]:
    """The (type, organization) pairs the user may import for."""
    rows = LicenseIssuer.objects.select_related("license_type", "organization").filter(
        license_type__is_active=True).order_by("license_type__key", "organization__name")
    if getattr(user, "is_superuser", False):
        return rows
    return rows.filter(organization_id__in=permissions.org_ids(user, permissions.ISSUER_ROLES))


class ImportForm(forms.Form):
    license_type = forms.ModelChoiceField(label=_("Licence type"), to_field_name="key",
                                          queryset=LicenseType.objects.none())
    issuer = forms.ModelChoiceField(label=_("Issuing organization"), to_field_name="uid",
                                    queryset=Organization.objects.none())
    file = forms.FileField(label=_("File (CSV or JSON Lines, UTF-8)"))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = _issuer_rows(user)
        type_field = self.fields["license_type"]
        issuer_field = self.fields["issuer"]
        assert isinstance(type_field, forms.ModelChoiceField)
        assert isinstance(issuer_field, forms.ModelChoiceField)
        type_field.queryset = LicenseType.objects.filter(
            pk__in=rows.values("license_type_id")).order_by("key")
        issuer_field.queryset = Organization.objects.filter(
            pk__in=rows.values("organization_id")).order_by("name")


def _imports_of(user: Any) -> QuerySet[LicenseImport]:
    rows = LicenseImport.objects.select_related("license_type", "issuer", "created_by")
    if getattr(user, "is_superuser", False):
        return rows
    return rows.filter(issuer_id__in=permissions.org_ids(user, permissions.ISSUER_ROLES))


def _import_for(request: HttpRequest, uid: UUID) -> LicenseImport:
    imp = _imports_of(request.user).filter(uid=uid).first()
    if imp is None or not permissions.can_import(request.user, imp.issuer):
        raise Http404
    return imp


def _start(request: HttpRequest, form: ImportForm) -> LicenseImport:
    upload = form.cleaned_data["file"]
    if upload.size > imports.MAX_BYTES:
        raise ActionError("file_too_large", str(_("The file is too large.")),
                          {"field": "file"})
    with transaction.atomic():
        imp = actions.do_create_import(
            request.user, license_type=form.cleaned_data["license_type"],
            issuer=form.cleaned_data["issuer"], filename=upload.name, payload=upload.read())
        transaction.on_commit(lambda: imports.run_license_import.delay(str(imp.uid)))
    return imp


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_import_any(request.user))
    form = ImportForm(request.user, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                imp = _start(request, form)
            except ActionError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return redirect("licenses:import_detail", uid=imp.uid)
        else:
            status = 400
    return render(request, "licenses/import/list.html", {
        "form": form, "imports": _imports_of(request.user)[:LIST_SIZE],
        "columns": imports.BASE_COLUMNS}, status=status)


def _progress_context(imp: LicenseImport) -> dict[str, Any]:
    live = imp.status in {ImportStatus.PENDING, ImportStatus.RUNNING}
    return {"imp": imp, "live": live,
            "percent": 100 * imp.done_rows // imp.total_rows if imp.total_rows else 0}


@login_required
@never_cache
@require_GET
def import_detail(request: HttpRequest, uid: UUID) -> HttpResponse:
    imp = _import_for(request, uid)
    return render(request, "licenses/import/detail.html", _progress_context(imp))


@login_required
@never_cache
@require_GET
def import_progress(request: HttpRequest, uid: UUID) -> HttpResponse:
    """The progress element alone, polled by the import's page while the import runs."""
    imp = _import_for(request, uid)
    return render(request, "licenses/import/_progress.html", _progress_context(imp))


urlpatterns: list[URLPattern] = [
    path("imports/", import_list, name="imports"),
    path("imports/<uuid:uid>/", import_detail, name="import_detail"),
    path("imports/<uuid:uid>/progress", import_progress, name="import_progress"),
]
