"""The data-sharing API under /api/v1/sharing/: the catalog, the three lists, share requests,
grants, data-error reports and the reports. Resources by catalog code, the rest by uid."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Router, Status
from ninja.security import django_auth

from jingchu.core import masking
from jingchu.core.errors import NotFound
from jingchu.sharing import actions, permissions, queries, reports
from jingchu.sharing.models import DataResource, ErrorReport, Grant, ListEntry, ShareRequest
from jingchu.sharing.schemas import (
    AnswerIn,
    ApproveIn,
    ErrorReportIn,
    ErrorReportOut,
    FieldOut,
    GrantOut,
    ListEntryIn,
    ListEntryOut,
    ListEntryPatch,
    MountIn,
    ReasonIn,
    Report,
    RequestIn,
    RequestOut,
    ResourceIn,
    ResourceOut,
    ResourcePage,
    ResourcePatch,
)

router = Router(tags=["sharing"])
PAGE_SIZE = 20


def resource_out(r: DataResource) -> ResourceOut:
    return ResourceOut(
        uid=str(r.uid), code=r.code, name=r.name, description=r.description, owner=r.owner.name,
        owner_uid=str(r.owner.uid), share_type=r.share_type, share_conditions=r.share_conditions,
        legal_basis=r.legal_basis, open_type=r.open_type, update_frequency=r.update_frequency,
        status=r.status, mount_kind=r.mount_kind, mount_target=r.mount_target,
        key_field=r.key_field, subject_kind=r.subject_kind,
        on_negative_list=queries.on_negative_list(r),
        fields=[FieldOut(name=f.name, label=f.label, data_type=f.data_type,
                         description=f.description, sensitivity=f.sensitivity, mask=f.mask)
                for f in r.fields.all()])


def entry_out(e: ListEntry) -> ListEntryOut:
    return ListEntryOut(uid=str(e.uid), organization=e.organization.name, kind=e.kind,
                        name=e.name, description=e.description, legal_basis=e.legal_basis,
                        fields_wanted=list(e.fields_wanted or []),
                        provider=e.provider.name if e.provider else "",
                        resource=e.resource.code if e.resource else "")


def request_out(r: ShareRequest) -> RequestOut:
    grant = Grant.objects.filter(request=r).values_list("uid", flat=True).first()
    return RequestOut(
        uid=str(r.uid), consumer=r.consumer.name, resource=r.resource.code,
        resource_name=r.resource.name, fields=list(r.fields), purpose=r.purpose,
        legal_basis=r.legal_basis, valid_from=r.valid_from, valid_until=r.valid_until,
        expected_daily_calls=r.expected_daily_calls, status=r.status,
        requested_at=r.requested_at, review_deadline=r.review_deadline,
        reviewed_at=r.reviewed_at, granted_fields=list(r.granted_fields),
        decision_reason=r.decision_reason, grant_uid=str(grant) if grant else None)


def grant_out(g: Grant) -> GrantOut:
    return GrantOut(uid=str(g.uid), consumer=g.consumer.name, resource=g.resource.code,
                    resource_name=g.resource.name, fields=list(g.fields),
                    masked_fields=list(g.masked_fields), purpose=g.purpose,
                    valid_from=g.valid_from, valid_until=g.valid_until, rate_limit=g.rate_limit,
                    status=g.status, change_reason=g.change_reason)


def masked_key(key: str) -> str:
    """A record key that is a citizen ID number is shown masked."""
    return masking.mask_id_number(key) if len(key) == 18 and key[:17].isdigit() else key


def report_out(r: ErrorReport) -> ErrorReportOut:
    return ErrorReportOut(uid=str(r.uid), resource=r.resource.code, reporter=r.reporter.name,
                          record_key=masked_key(r.record_key), field_name=r.field_name,
                          description=r.description, status=r.status,
                          reported_at=r.reported_at, answer=r.answer,
                          answered_at=r.answered_at)


# --- catalog ----------------------------------------------------------------------------------


def _mounted(raw: str | None) -> bool | None:
    return {"true": True, "1": True, "false": False, "0": False}.get((raw or "").lower())


@router.get("/resources", response=ResourcePage, auth=django_auth)
def list_resources(request: HttpRequest, q: str = "", owner: str = "", share_type: str = "",
                   open_type: str = "", mounted: str = "", status: str = "",
                   page: int = 1) -> ResourcePage:
    """Search and filter the catalog (name, code, description, field names and labels)."""
    permissions.require(permissions.can_browse_catalog(request.user))
    org = queries.organization_by_ref(owner) if owner else None
    qs = queries.catalog(request.user, text=q, owner=org, share_type=share_type,
                         open_type=open_type, mounted=_mounted(mounted), status=status)
    pages = Paginator(qs.prefetch_related("fields"), PAGE_SIZE)
    current = pages.get_page(page)
    return ResourcePage(count=pages.count, page=current.number, pages=pages.num_pages,
                        items=[resource_out(r) for r in current])


@router.post("/resources", response={201: ResourceOut}, auth=django_auth)
def register_resource(request: HttpRequest, body: ResourceIn) -> Status[ResourceOut]:
    """Register a resource (a draft) for an organization (its data steward)."""
    owner = queries.organization_by_ref(body.owner)
    permissions.require(permissions.can_register_resource(request.user, owner))
    data = body.dict(exclude={"owner"})
    resource = actions.do_register_resource(request.user, owner, data)
    return Status(201, resource_out(queries.resource_by_code(resource.code)))


def _resource(request: HttpRequest, code: str,
              check: Any = permissions.can_view_resource) -> DataResource:
    resource = queries.resource_by_code(code)
    permissions.require(check(request.user, resource))
    return resource


@router.get("/resources/{code}", response=ResourceOut, auth=django_auth)
def get_resource(request: HttpRequest, code: str) -> ResourceOut:
    return resource_out(_resource(request, code))


@router.patch("/resources/{code}", response=ResourceOut, auth=django_auth)
def update_resource(request: HttpRequest, code: str, body: ResourcePatch) -> ResourceOut:
    resource = _resource(request, code, permissions.can_update_resource)
    data = {k: v for k, v in body.dict().items() if v is not None}
    actions.do_update_resource(request.user, resource, data)
    return resource_out(queries.resource_by_code(code))


@router.post("/resources/{code}/publish", response=ResourceOut, auth=django_auth)
def publish_resource(request: HttpRequest, code: str) -> ResourceOut:
    actions.do_publish_resource(request.user,
                                _resource(request, code, permissions.can_publish_resource))
    return resource_out(queries.resource_by_code(code))


@router.post("/resources/{code}/retire", response=ResourceOut, auth=django_auth)
def retire_resource(request: HttpRequest, code: str) -> ResourceOut:
    actions.do_retire_resource(request.user,
                               _resource(request, code, permissions.can_retire_resource))
    return resource_out(queries.resource_by_code(code))


@router.post("/resources/{code}/mount", response=ResourceOut, auth=django_auth)
def mount_resource(request: HttpRequest, code: str, body: MountIn) -> ResourceOut:
    actions.do_mount_resource(request.user,
                              _resource(request, code, permissions.can_mount_resource),
                              kind=body.kind, target=body.target, key_field=body.key_field,
                              subject_kind=body.subject_kind)
    return resource_out(queries.resource_by_code(code))


@router.post("/resources/{code}/unmount", response=ResourceOut, auth=django_auth)
def unmount_resource(request: HttpRequest, code: str) -> ResourceOut:
    actions.do_unmount_resource(request.user,
                                _resource(request, code, permissions.can_mount_resource))
    return resource_out(queries.resource_by_code(code))


# --- the three lists --------------------------------------------------------------------------


def _entry_data(body: Any) -> dict[str, Any]:
    data = {k: v for k, v in body.dict(exclude={"kind"}).items() if v is not None}
    if "provider" in data:
        data["provider"] = queries.organization_by_ref(data["provider"]) if data[
            "provider"] else None
    if "resource" in data:
        data["resource"] = queries.resource_by_code(data["resource"]) if data[
            "resource"] else None
    return data


@router.get("/organizations/{org}/lists", response=list[ListEntryOut], auth=django_auth)
def list_entries(request: HttpRequest, org: str, kind: str = "") -> list[ListEntryOut]:
    """An organization's three lists (or one of them)."""
    organization = queries.organization_by_ref(org)
    permissions.require(permissions.can_view_lists(request.user, organization))
    return [entry_out(e) for e in queries.list_entries(organization, kind)]


@router.post("/organizations/{org}/lists", response={201: ListEntryOut}, auth=django_auth)
def create_entry(request: HttpRequest, org: str, body: ListEntryIn) -> Status[ListEntryOut]:
    organization = queries.organization_by_ref(org)
    permissions.require(permissions.can_create_list_entry(request.user, organization))
    entry = actions.do_create_list_entry(request.user, organization, body.kind,
                                         _entry_data(body))
    return Status(201, entry_out(queries.entry_by_uid(entry.uid)))


@router.patch("/lists/{uid}", response=ListEntryOut, auth=django_auth)
def update_entry(request: HttpRequest, uid: uuid.UUID, body: ListEntryPatch) -> ListEntryOut:
    entry = queries.entry_by_uid(uid)
    permissions.require(permissions.can_update_list_entry(request.user, entry))
    actions.do_update_list_entry(request.user, entry, _entry_data(body))
    return entry_out(queries.entry_by_uid(uid))


@router.delete("/lists/{uid}", response={204: None}, auth=django_auth)
def delete_entry(request: HttpRequest, uid: uuid.UUID) -> Status[None]:
    entry = queries.entry_by_uid(uid)
    permissions.require(permissions.can_delete_list_entry(request.user, entry))
    actions.do_delete_list_entry(request.user, entry)
    return Status(204, None)


# --- share requests ---------------------------------------------------------------------------


@router.get("/requests", response=list[RequestOut], auth=django_auth)
def list_requests(request: HttpRequest, role: str = "made") -> list[RequestOut]:
    """role=made: my organizations' requests; role=received: requests for our resources."""
    permissions.require(permissions.can_list_requests(request.user))
    qs = queries.requests_received(request.user) if role == "received" else \
        queries.requests_made(request.user)
    return [request_out(r) for r in qs[:500]]


@router.post("/requests", response={201: RequestOut}, auth=django_auth)
def submit_request(request: HttpRequest, body: RequestIn) -> Status[RequestOut]:
    """Request a published resource; an unconditional one is granted at once."""
    consumer = queries.organization_by_ref(body.consumer)
    permissions.require(permissions.can_request_for(request.user, consumer))
    resource = queries.resource_by_code(body.resource)
    data = body.dict(exclude={"consumer", "resource"})
    share_request = actions.do_submit_request(request.user, consumer, resource, data)
    return Status(201, request_out(queries.request_by_uid(share_request.uid)))


def _request(request: HttpRequest, uid: uuid.UUID, check: Any) -> ShareRequest:
    share_request = queries.request_by_uid(uid)
    permissions.require(check(request.user, share_request))
    return share_request


@router.get("/requests/{uid}", response=RequestOut, auth=django_auth)
def get_request(request: HttpRequest, uid: uuid.UUID) -> RequestOut:
    return request_out(_request(request, uid, permissions.can_view_request))


@router.post("/requests/{uid}/approve", response=RequestOut, auth=django_auth)
def approve_request(request: HttpRequest, uid: uuid.UUID, body: ApproveIn) -> RequestOut:
    """Approve all the requested fields or some; the grant is created with it."""
    share_request = _request(request, uid, permissions.can_review_request)
    actions.do_approve_request(request.user, share_request, fields=body.fields,
                               masked_fields=body.masked_fields, rate_limit=body.rate_limit,
                               reason=body.reason)
    return request_out(queries.request_by_uid(uid))


@router.post("/requests/{uid}/refuse", response=RequestOut, auth=django_auth)
def refuse_request(request: HttpRequest, uid: uuid.UUID, body: ReasonIn) -> RequestOut:
    share_request = _request(request, uid, permissions.can_review_request)
    actions.do_refuse_request(request.user, share_request, body.reason)
    return request_out(queries.request_by_uid(uid))


@router.post("/requests/{uid}/withdraw", response=RequestOut, auth=django_auth)
def withdraw_request(request: HttpRequest, uid: uuid.UUID) -> RequestOut:
    share_request = _request(request, uid, permissions.can_withdraw_request)
    actions.do_withdraw_request(request.user, share_request)
    return request_out(queries.request_by_uid(uid))


# --- grants -----------------------------------------------------------------------------------


@router.get("/grants", response=list[GrantOut], auth=django_auth)
def list_grants(request: HttpRequest, role: str = "held") -> list[GrantOut]:
    """role=held: grants to my organizations; role=given: grants on our resources."""
    permissions.require(permissions.can_list_grants(request.user))
    qs = queries.grants_given(request.user) if role == "given" else \
        queries.grants_held(request.user)
    return [grant_out(g) for g in qs[:500]]


def _grant(request: HttpRequest, uid: uuid.UUID, check: Any) -> Grant:
    grant = queries.grant_by_uid(uid)
    permissions.require(check(request.user, grant))
    return grant


@router.get("/grants/{uid}", response=GrantOut, auth=django_auth)
def get_grant(request: HttpRequest, uid: uuid.UUID) -> GrantOut:
    return grant_out(_grant(request, uid, permissions.can_view_grant))


@router.post("/grants/{uid}/{change}", response=GrantOut, auth=django_auth)
def change_grant(request: HttpRequest, uid: uuid.UUID, change: str,
                 body: ReasonIn) -> GrantOut:
    """change: suspend, resume or revoke (a reason is required to suspend or revoke)."""
    changes: dict[str, tuple[Callable[..., Grant], Callable[[Any, Grant], bool]]] = {
        "suspend": (actions.do_suspend_grant, permissions.can_suspend_grant),
        "resume": (actions.do_resume_grant, permissions.can_resume_grant),
        "revoke": (actions.do_revoke_grant, permissions.can_revoke_grant)}
    grant = _grant(request, uid, permissions.can_change_grant)
    if change not in changes:
        raise NotFound("suspend, resume or revoke")
    do, check = changes[change]
    permissions.require(check(request.user, grant))
    do(request.user, grant, body.reason)
    return grant_out(queries.grant_by_uid(uid))


# --- error reports ----------------------------------------------------------------------------


@router.get("/error-reports", response=list[ErrorReportOut], auth=django_auth)
def list_error_reports(request: HttpRequest) -> list[ErrorReportOut]:
    permissions.require(permissions.can_list_error_reports(request.user))
    return [report_out(r) for r in queries.error_reports(request.user)[:500]]


@router.post("/error-reports", response={201: ErrorReportOut}, auth=django_auth)
def report_error(request: HttpRequest, body: ErrorReportIn) -> Status[ErrorReportOut]:
    reporter = queries.organization_by_ref(body.reporter)
    resource = queries.resource_by_code(body.resource)
    permissions.require(permissions.can_report_error(request.user, reporter, resource))
    report = actions.do_report_error(request.user, reporter, resource,
                                     body.dict(exclude={"reporter", "resource"}))
    return Status(201, report_out(queries.error_report_by_uid(report.uid)))


@router.post("/error-reports/{uid}/answer", response=ErrorReportOut, auth=django_auth)
def answer_error(request: HttpRequest, uid: uuid.UUID, body: AnswerIn) -> ErrorReportOut:
    report = queries.error_report_by_uid(uid)
    permissions.require(permissions.can_answer_error(request.user, report))
    actions.do_answer_error(request.user, report, body.answer)
    return report_out(queries.error_report_by_uid(uid))


# --- reports ----------------------------------------------------------------------------------

REPORTS: dict[str, Callable[[set[int] | None], Report]] = {
    "responsibility": reports.responsibility_fulfilment, "demand": reports.demand_matching,
    "negative": reports.negative_conflicts}


@router.get("/reports/{name}", response=Report, auth=django_auth)
def get_report(request: HttpRequest, name: str) -> Report:
    """responsibility (fulfilment per organization), demand (matching) or negative (conflicts);
    a province-level steward sees every organization, others their own."""
    permissions.require(permissions.can_view_reports(request.user))
    report = REPORTS.get(name)
    if report is None:
        raise NotFound("responsibility, demand or negative")
    return report(permissions.visible_org_ids(request.user))
