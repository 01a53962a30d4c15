"""The seals API: my organizations' seals, create, suspend/resume/revoke, seal a file, and the
public verification of a sealed file and the root certificate."""

from __future__ import annotations

import base64
import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.seals import actions, permissions, queries, service, x509
from jingchu.seals.models import Seal
from jingchu.seals.schemas import (
    ReasonIn,
    RootOut,
    SealCreateIn,
    SealDetailOut,
    SealOut,
    SignedOut,
    UseOut,
    VerificationOut,
)
from jingchu.seals.verification import Verification

router = Router(tags=["seals"])


def seal_out(seal: Seal) -> SealOut:
    return SealOut(
        uid=str(seal.uid), es_id=seal.es_id, name=seal.name, kind=seal.kind,
        kind_label=str(seal.get_kind_display()), status=seal.status,
        status_reason=seal.status_reason, organization_uid=str(seal.organization.uid),
        organization_name=seal.organization.name,
        valid_from=seal.valid_from.isoformat(), valid_to=seal.valid_to.isoformat(),
        certificate_sm3=x509.fingerprint(bytes(seal.certificate)),
    )


def verification_out(result: Verification) -> VerificationOut:
    seal, org = result.seal, result.organization
    return VerificationOut(
        valid=result.valid, code=result.code, message=result.message, es_id=result.es_id,
        seal_uid=str(seal.uid) if seal else None, seal_name=result.seal_name,
        seal_status=seal.status if seal else None,
        organization_uid=str(org.uid) if org else None,
        organization_name=org.name if org else result.signer,
        signed_at=result.signed_at.isoformat() if result.signed_at else None,
        document_name=result.document_name, document_digest=result.document_digest)


def _seal(request: HttpRequest, uid: uuid.UUID) -> Seal:
    seal: Seal = queries.by_uid(queries.seals(), uid)
    permissions.require(permissions.can_view_seal(request.user, seal))
    return seal


@router.get("/", response=list[SealOut], auth=django_auth)
def list_seals(request: HttpRequest) -> list[SealOut]:
    """The seals of my organizations (all seals for the platform administrator)."""
    permissions.require(permissions.can_list_seals(request.user))
    return [seal_out(s) for s in queries.visible_seals(request.user)[:500]]


@router.post("/", response={201: SealDetailOut}, auth=django_auth)
def create_seal(request: HttpRequest, body: SealCreateIn) -> Status[SealDetailOut]:
    """Make a seal for an organization I administer: key, certificate, image, seal data."""
    org: Organization = queries.by_uid(Organization.objects.all(), body.organization_uid)
    permissions.require(permissions.can_manage_seals_of(request.user, org))
    seal = actions.do_create_seal(request.user, org, kind=body.kind, name=body.name,
                                  valid_from=body.valid_from, valid_to=body.valid_to)
    return Status(201, _detail(seal))


@router.get("/root", response=RootOut, auth=None)
def root_certificate(request: HttpRequest) -> RootOut:
    """The platform's root certificate, which every seal certificate chains to (public)."""
    permissions.require(permissions.can_view_certificates(request.user))
    root = actions.current_root()
    if root is None:
        raise ActionError("no_root", _("The root certificate has not been created yet."),
                          status=404)
    der = bytes(root.certificate)
    return RootOut(name=root.name, certificate_pem=x509.to_pem(der),
                   certificate_sm3=x509.fingerprint(der), valid_from=root.valid_from.isoformat(),
                   valid_to=root.valid_to.isoformat())


@router.post("/verify", response=VerificationOut, auth=None)
def verify_file(request: HttpRequest, file: File[UploadedFile],
                signature: File[UploadedFile]) -> VerificationOut:
    """Verify a sealed file against its signature file (public). The answer's `code` says why a
    signature is not valid: hash_mismatch, seal_revoked, seal_suspended, seal_expired ..."""
    permissions.require(permissions.can_verify_signatures(request.user))
    content = queries.read_upload(file, "file")
    signature_der = queries.read_upload(signature, "signature")
    return verification_out(service.verify(content, signature_der))


def _detail(seal: Seal) -> SealDetailOut:
    return SealDetailOut(**seal_out(seal).model_dump(),
                         certificate_pem=service.seal_certificate_pem(seal),
                         image_svg=seal.image_svg, uses=seal.uses.count())


@router.get("/{uuid:uid}", response=SealDetailOut, auth=django_auth)
def seal_detail(request: HttpRequest, uid: uuid.UUID) -> SealDetailOut:
    return _detail(_seal(request, uid))


@router.get("/{uuid:uid}/uses", response=list[UseOut], auth=django_auth)
def seal_uses(request: HttpRequest, uid: uuid.UUID) -> list[UseOut]:
    """Every use of the seal, newest first (at most 500)."""
    seal = _seal(request, uid)
    return [UseOut(uid=str(u.uid), kind=u.kind, document_name=u.document_name,
                   document_digest=u.document_digest, document_size=u.document_size,
                   actor=u.actor_label, signed_at=u.signed_at.isoformat())
            for u in queries.uses_of(seal)[:500]]


def _status_change(request: HttpRequest, uid: uuid.UUID, body: ReasonIn, action: str) -> SealOut:
    seal = _seal(request, uid)
    permissions.require(permissions.can_change_seal_status(request.user, seal))
    do = {"suspend": actions.do_suspend_seal, "resume": actions.do_resume_seal,
          "revoke": actions.do_revoke_seal}[action]
    return seal_out(do(request.user, seal, reason=body.reason))


@router.post("/{uuid:uid}/suspend", response=SealOut, auth=django_auth)
def suspend_seal(request: HttpRequest, uid: uuid.UUID, body: ReasonIn) -> SealOut:
    return _status_change(request, uid, body, "suspend")


@router.post("/{uuid:uid}/resume", response=SealOut, auth=django_auth)
def resume_seal(request: HttpRequest, uid: uuid.UUID, body: ReasonIn) -> SealOut:
    return _status_change(request, uid, body, "resume")


@router.post("/{uuid:uid}/revoke", response=SealOut, auth=django_auth)
def revoke_seal(request: HttpRequest, uid: uuid.UUID, body: ReasonIn) -> SealOut:
    """Revoke the seal for good; its signatures stop verifying (code seal_revoked)."""
    return _status_change(request, uid, body, "revoke")


@router.post("/{uuid:uid}/sign", response={201: SignedOut}, auth=django_auth)
def sign_file(request: HttpRequest, uid: uuid.UUID, file: File[UploadedFile],
              document_name: Form[str] = "") -> Status[SignedOut]:
    """Seal an uploaded file; the answer carries the DER SES_Signature in base64."""
    seal = _seal(request, uid)
    permissions.require(permissions.can_use_seal(request.user, seal))
    content = queries.read_upload(file, "file")
    use = actions.do_sign_document(request.user, seal, content,
                                   document_name or file.name or "")
    return Status(201, SignedOut(
        use_uid=str(use.uid), document_name=use.document_name,
        document_digest=use.document_digest, signed_at=use.signed_at.isoformat(),
        signature=base64.b64encode(bytes(use.signature)).decode("ascii")))
