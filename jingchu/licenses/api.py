"""The licences API: public verification and status lists; the holder's licences, PDF, shares
and uses; the issuer's list and status changes.

Licences are addressed by their identifier (GB/T 36904): a malformed one answers 400, an unknown
one 404, and one the caller may not see 404 as well (its existence is not revealed).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Body, Query, Router, Status
from ninja.security import django_auth

from jingchu.core.errors import ActionError, NotFound
from jingchu.core.identifiers import IdentifierError, validate_uscc
from jingchu.core.models import Organization
from jingchu.identity.services import acting_for, person_of
from jingchu.licenses import actions, pdf, permissions, vc, verification
from jingchu.licenses.choices import StatusPurpose
from jingchu.licenses.models import License, LicenseIssuer, LicenseShare, StatusList
from jingchu.licenses.schemas import (
    CheckOut,
    DataFieldOut,
    LicenseDetailOut,
    LicenseOut,
    LicensePageOut,
    PublicLicenseOut,
    PublicVerificationOut,
    ReasonIn,
    ShareIn,
    ShareOut,
    UseOut,
    VcCheckOut,
    VerificationOut,
)
from jingchu.licenses.views.presenting import (
    by_identifier,
    data_rows,
    holder_code_masked,
    issued_visible_to,
    licences,
    search,
)

router = Router(tags=["licenses"])
PAGE_SIZE = 50


def verification_out(result: verification.LicenseVerification) -> VerificationOut:
    published = result.published
    return VerificationOut(
        valid=result.valid, code=result.code, message=result.message,
        checks=[CheckOut(name=c.name, passed=c.passed, code=c.code, message=c.message)
                for c in result.checks],
        published_revoked=bool(published and published.revoked),
        published_suspended=bool(published and published.suspended))


def license_out(lic: License) -> LicenseOut:
    return LicenseOut(
        identifier=lic.identifier, type_key=lic.license_type.key,
        type_name=lic.license_type.name, type_code=lic.license_type.type_code,
        issuer_name=lic.issuer.name, issuer_uscc=lic.issuer.uscc, holder_kind=lic.holder_kind,
        holder_name=lic.holder_name, holder_code_masked=holder_code_masked(lic),
        number=lic.number, issued_on=lic.issued_on, valid_from=lic.valid_from,
        valid_until=lic.valid_until, status=lic.status,
        status_label=str(lic.get_status_display()), status_reason=lic.status_reason)


def share_out(share: LicenseShare) -> ShareOut:
    return ShareOut(uid=str(share.uid), organization_uid=str(share.organization.uid),
                    organization_name=share.organization.name, reason=share.reason,
                    valid_until=share.valid_until, created_at=share.created_at,
                    withdrawn_at=share.withdrawn_at)


def _visible(request: HttpRequest, identifier: str) -> License:
    lic = by_identifier(identifier)
    if not permissions.can_view_license(request.user, lic):
        raise NotFound(_("No licence has this identifier."), {"identifier": identifier})
    return lic


def _held(request: HttpRequest, identifier: str) -> License:
    lic = by_identifier(identifier)
    if not permissions.is_holder(request.user, lic):
        raise NotFound(_("No licence has this identifier."), {"identifier": identifier})
    return lic


# --- public ----------------------------------------------------------------------------------


@router.get("/verify/{identifier}", response=PublicVerificationOut, auth=None)
def verify(request: HttpRequest, identifier: str) -> PublicVerificationOut:
    """Verify a licence (public): seal signature, issuer, status (with the published status
    list), dates; the minimum data, the holder's name masked. 400 for a malformed identifier,
    404 for an unknown one."""
    permissions.require(permissions.can_verify_licenses(request.user))
    lic = by_identifier(identifier)
    result = verification.verify_license(lic)
    return PublicVerificationOut(license=PublicLicenseOut(**verification.public_facts(lic)),
                                 verification=verification_out(result))


def _status_issuer(issuer_uscc: str, purpose: str) -> Organization:
    try:
        uscc = validate_uscc(issuer_uscc)
    except IdentifierError as exc:
        raise ActionError("bad_uscc", str(exc), {"issuer_uscc": issuer_uscc[:40]}) from None
    if purpose not in StatusPurpose.values:
        raise ActionError("bad_purpose", _("The purpose is revocation or suspension."),
                          {"purpose": purpose[:40]})
    issuer = Organization.objects.filter(uscc=uscc).first()
    if issuer is None or not (LicenseIssuer.objects.filter(organization=issuer).exists()
                              or StatusList.objects.filter(issuer=issuer).exists()):
        raise NotFound(_("This organization publishes no licence status list."),
                       {"issuer_uscc": uscc})
    return issuer


@router.get("/status/{issuer_uscc}/{purpose}", response=dict[str, Any], auth=None)
def status_list(request: HttpRequest, issuer_uscc: str, purpose: str) -> dict[str, Any]:
    """The issuer's W3C BitstringStatusListCredential for `purpose` (revocation or suspension),
    signed with its licence seal (DataIntegrityProof, cryptosuite sm2-sm3-jcs-2026). Bit i is
    the licence whose status index is i; a verifier downloads the whole list, so the issuer
    never learns which licence is checked."""
    permissions.require(permissions.can_verify_licenses(request.user))
    issuer = _status_issuer(issuer_uscc, purpose)
    return verification.status_list_credential(issuer, purpose, request)


# --- the holder ------------------------------------------------------------------------------


@router.post("/verify-credential", response=VcCheckOut, auth=None)
def verify_vc(request: HttpRequest, body: Body[dict[str, Any]]) -> VcCheckOut:
    """Check a credential exported here: proof, certificate chain, issuer, seal, dates, and the
    issuer's current status lists. Open to anyone, like the verification page."""
    permissions.require(permissions.can_verify_licenses(request.user))
    result = vc.verify_local(body)
    return VcCheckOut(valid=result.valid, code=result.code, message=result.message,
                      status_checked=list(result.status_checked))


@router.get("/", response=list[LicenseOut], auth=django_auth)
def my_licenses(request: HttpRequest) -> list[LicenseOut]:
    """My licences, and those of the enterprise I act for in this session."""
    permissions.require(permissions.can_view_wallet(request.user))
    mine = list(licences().filter(holder_person=person_of(request.user)))
    entity = acting_for(request)
    if entity is not None:
        mine += list(licences().filter(holder_entity=entity))
    return [license_out(lic) for lic in mine]


@router.get("/issued", response=LicensePageOut, auth=django_auth)
def issued(request: HttpRequest, q: Query[str] = "", page: Query[int] = 1) -> LicensePageOut:
    """Licences issued by my organizations (staff), searched by identifier, number or holder."""
    permissions.require(permissions.can_list_issued(request.user))
    pages = Paginator(search(issued_visible_to(request.user), q[:160]), PAGE_SIZE)
    current = pages.get_page(page)
    return LicensePageOut(count=pages.count, page=current.number, pages=pages.num_pages,
                          items=[license_out(lic) for lic in current])


@router.post("/shares/{uuid:uid}/withdraw", response=ShareOut, auth=django_auth)
def withdraw_share(request: HttpRequest, uid: uuid.UUID) -> ShareOut:
    share = (LicenseShare.objects.select_related("license__holder_entity", "organization")
             .filter(uid=uid).first())
    if share is None or not permissions.is_holder(request.user, share.license):
        raise NotFound(_("No such share."))
    permissions.require(permissions.can_share(request.user, share.license))
    return share_out(actions.do_withdraw_share(request.user, share))


@router.get("/{identifier}", response=LicenseDetailOut, auth=django_auth)
def license_detail(request: HttpRequest, identifier: str) -> LicenseDetailOut:
    """One licence, for its holder or its issuer's staff: data, status and verification."""
    lic = _visible(request, identifier)
    return LicenseDetailOut(
        **license_out(lic).model_dump(), data=lic.data,
        fields=[DataFieldOut(name=r.name, label=r.label, value=r.value) for r in data_rows(lic)],
        verification=verification_out(verification.verify_license(lic)),
        verify_url=verification.verification_url(lic, request),
        pdf_url=f"{verification.public_url(request)}/api/v1/licenses/{lic.identifier}/pdf")


@router.get("/{identifier}/pdf", auth=django_auth,
            openapi_extra={"responses": {200: {
                "description": "The licence as PDF",
                "content": {"application/pdf": {"schema": {"type": "string",
                                                           "format": "binary"}}}}}})
def license_pdf(request: HttpRequest, identifier: str) -> HttpResponse:
    """The printable PDF, with the seal image and a QR code of the verification page."""
    lic = _visible(request, identifier)
    response = HttpResponse(pdf.render_pdf(lic, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{lic.identifier}.pdf"'
    return response


@router.get("/{identifier}/vc", auth=django_auth,
            openapi_extra={"responses": {200: {
                "description": "The licence as a W3C Verifiable Credential (docs/licenses-vc.md)",
                "content": {vc.MEDIA_TYPE: {"schema": {"type": "object"}}}}}})
def license_vc(request: HttpRequest, identifier: str) -> HttpResponse:
    """The licence as a Verifiable Credential signed with the issuing seal (sm2-sm3-jcs-2026)."""
    lic = _visible(request, identifier)
    document = vc.credential(lic, verification.public_url(request), requested_by=request.user)
    return HttpResponse(json.dumps(document, ensure_ascii=False), content_type=vc.MEDIA_TYPE)


@router.post("/{identifier}/shares", response={201: ShareOut}, auth=django_auth)
def share_license(request: HttpRequest, identifier: str, body: ShareIn) -> Status[ShareOut]:
    """Share my licence with an organization for a reason until a date (a LicenseUse too)."""
    lic = _held(request, identifier)
    permissions.require(permissions.can_share(request.user, lic))
    org = Organization.objects.filter(uid=body.organization_uid, is_active=True).first()
    if org is None:
        raise ActionError("unknown_organization", _("No such organization."),
                          {"field": "organization_uid"})
    share = actions.do_share_license(request.user, lic, organization=org, reason=body.reason,
                                     until=body.until)
    return Status(201, share_out(share))


@router.get("/{identifier}/shares", response=list[ShareOut], auth=django_auth)
def license_shares(request: HttpRequest, identifier: str) -> list[ShareOut]:
    lic = _held(request, identifier)
    return [share_out(s) for s in lic.shares.select_related("organization")]


@router.get("/{identifier}/uses", response=list[UseOut], auth=django_auth)
def license_uses(request: HttpRequest, identifier: str) -> list[UseOut]:
    """Who used the licence, when and why (newest first, at most 500)."""
    lic = _visible(request, identifier)
    return [UseOut(uid=str(u.uid), kind=u.kind, kind_label=str(u.get_kind_display()),
                   organization_name=u.organization.name if u.organization else None,
                   reason=u.reason, case_number=(u.case.number or None) if u.case else None,
                   at=u.at)
            for u in lic.uses.select_related("organization", "case")[:500]]


# --- the issuer ------------------------------------------------------------------------------


def _change(request: HttpRequest, identifier: str, name: str, body: ReasonIn) -> LicenseOut:
    lic = by_identifier(identifier)
    if not permissions.can_view_issued(request.user, lic):
        raise NotFound(_("No licence has this identifier."), {"identifier": identifier})
    permissions.require(permissions.can_change_status(request.user, lic))
    lic = actions.do_change_status(request.user, lic, name, reason=body.reason)
    return license_out(by_identifier(lic.identifier))


@router.post("/{identifier}/revoke", response=LicenseOut, auth=django_auth)
def revoke(request: HttpRequest, identifier: str, body: ReasonIn) -> LicenseOut:
    """Revoke for good (issuer's approvers); the revocation list's bit is set."""
    return _change(request, identifier, "revoke", body)


@router.post("/{identifier}/suspend", response=LicenseOut, auth=django_auth)
def suspend(request: HttpRequest, identifier: str, body: ReasonIn) -> LicenseOut:
    return _change(request, identifier, "suspend", body)


@router.post("/{identifier}/reinstate", response=LicenseOut, auth=django_auth)
def reinstate(request: HttpRequest, identifier: str, body: ReasonIn) -> LicenseOut:
    """Lift a suspension."""
    return _change(request, identifier, "reinstate", body)
