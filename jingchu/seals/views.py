"""Pages of 电子印章: my organizations' seals, a seal's detail and uses, creating, status
changes, sealing a file, downloads, and the public verification page."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.seals import actions, permissions, queries, service, x509
from jingchu.seals.choices import SealStatus
from jingchu.seals.forms import SealCreateForm, SignForm, StatusForm, VerifyForm
from jingchu.seals.models import Seal, SealUse

PAGE_SIZE = 25


def _seal(request: HttpRequest, uid: uuid.UUID) -> Seal:
    seal: Seal = queries.by_uid(queries.seals(), uid)
    permissions.require(permissions.can_view_seal(request.user, seal))
    return seal


@login_required
def seal_list(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_list_seals(request.user))
    context = {"seals": queries.visible_seals(request.user),
               "may_create": permissions.can_create_seals(request.user),
               "root": actions.current_root()}
    return render(request, "seals/list.html", context)


def _manageable_orgs(request: HttpRequest) -> QuerySet[Organization]:
    if permissions.is_platform_admin(request.user):
        return Organization.objects.filter(is_active=True)
    ids = permissions.org_ids(request.user, permissions.MANAGER_ROLES)
    return Organization.objects.filter(pk__in=ids, is_active=True)


@login_required
@require_http_methods(["GET", "POST"])
def seal_new(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_create_seals(request.user))
    orgs = _manageable_orgs(request)
    form = SealCreateForm(request.POST or None, organizations=orgs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            permissions.require(permissions.can_manage_seals_of(request.user,
                                                                data["organization"]))
            try:
                seal = actions.do_create_seal(
                    request.user, data["organization"], kind=data["kind"], name=data["name"],
                    valid_from=data["valid_from"], valid_to=data["valid_to"])
            except ActionError as exc:
                field = str(exc.details.get("field", ""))
                form.add_error(field if field in form.fields else None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Seal created."))
                return redirect("seals:detail", uid=seal.uid)
    return render(request, "seals/new.html", {"form": form}, status=status)


def _render_detail(request: HttpRequest, seal: Seal, status: int = 200,
                   sign_form: SignForm | None = None) -> HttpResponse:
    page = Paginator(queries.uses_of(seal), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "seal": seal, "page": page, "certificate_pem": service.seal_certificate_pem(seal),
        "fingerprint": x509.fingerprint(bytes(seal.certificate)),
        "may_change": permissions.can_change_seal_status(request.user, seal),
        "may_use": permissions.can_use_seal(request.user, seal)
        and seal.status == SealStatus.ACTIVE,
        "sign_form": sign_form or SignForm(),
        "revoked": seal.status == SealStatus.REVOKED,
    }
    return render(request, "seals/detail.html", context, status=status)


@login_required
def seal_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _render_detail(request, _seal(request, uid))


@login_required
@require_POST
def seal_status(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    seal = _seal(request, uid)
    permissions.require(permissions.can_change_seal_status(request.user, seal))
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return _render_detail(request, seal, 400)
    do = {"suspend": actions.do_suspend_seal, "resume": actions.do_resume_seal,
          "revoke": actions.do_revoke_seal}[form.cleaned_data["action"]]
    try:
        do(request.user, seal, reason=form.cleaned_data["reason"])
    except ActionError as exc:
        messages.error(request, exc.message)
        return _render_detail(request, seal, exc.status)
    messages.success(request, _("Seal status changed."))
    return redirect("seals:detail", uid=seal.uid)


@login_required
@require_POST
def seal_sign(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    seal = _seal(request, uid)
    permissions.require(permissions.can_use_seal(request.user, seal))
    form = SignForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, seal, 400, form)
    upload = form.cleaned_data["file"]
    try:
        content = queries.read_upload(upload, "file")
        use = actions.do_sign_document(request.user, seal, content,
                                       form.cleaned_data["document_name"] or upload.name)
    except ActionError as exc:
        form.add_error("file", exc.message)
        return _render_detail(request, seal, exc.status, form)
    messages.success(request, _("Document sealed: download its signature file below."))
    return redirect(reverse("seals:detail", kwargs={"uid": seal.uid}) + f"#use-{use.uid}")


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def use_signature(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The signature file of one use (DER SES_Signature, or the plain SM2 signature)."""
    use: SealUse = queries.by_uid(SealUse.objects.select_related("seal__organization"), uid)
    permissions.require(permissions.can_view_seal(request.user, use.seal))
    return _download(bytes(use.signature), f"{use.uid}.ses", "application/octet-stream")


def seal_certificate(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """A seal's certificate (PEM), public like every certificate."""
    permissions.require(permissions.can_view_certificates(request.user))
    seal: Seal = queries.by_uid(queries.seals(), uid)
    return _download(service.seal_certificate_pem(seal).encode(), f"seal-{seal.es_id}.pem",
                     "application/x-pem-file")


def root_certificate(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_view_certificates(request.user))
    pem = service.root_certificate_pem()
    if not pem:
        raise Http404
    return _download(pem.encode(), "jingchu-root.pem", "application/x-pem-file")


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: upload a sealed file and its signature file; see whether it is valid and why."""
    permissions.require(permissions.can_verify_signatures(request.user))
    form = VerifyForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                content = queries.read_upload(form.cleaned_data["file"], "file")
                signature = queries.read_upload(form.cleaned_data["signature"], "signature")
            except ActionError as exc:
                form.add_error(str(exc.details.get("field")) or None, exc.message)
                status = exc.status
            else:
                result, status = service.verify(content, signature), 200
    return render(request, "seals/verify.html", {"form": form, "result": result}, status=status)


app_name = "seals"
urlpatterns = [
    path("", seal_list, name="list"),
    path("new", seal_new, name="new"),
    path("verify", verify, name="verify"),
    path("root.pem", root_certificate, name="root_certificate"),
    path("uses/<uuid:uid>/signature", use_signature, name="use_signature"),
    path("<uuid:uid>/", seal_detail, name="detail"),
    path("<uuid:uid>/status", seal_status, name="status"),
    path("<uuid:uid>/sign", seal_sign, name="sign"),
    path("<uuid:uid>/certificate.pem", seal_certificate, name="certificate"),
]
