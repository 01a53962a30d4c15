"""The cases API in the spirit of GovStack Registration.

Services and their forms (the catalog itself is /api/v1/services/), apply in one call, my
applications (list, read, update the form while it may change), the staff task list and
completing a task. Callers sign in with a browser session or an OAuth2 bearer token from the
platform's own OpenID Connect provider (see `jingchu.cases.bearer`).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import django_auth

from jingchu.cases import actions, permissions, services, storage
from jingchu.cases.actions.applications import Submission
from jingchu.cases.actions.materials import max_bytes as max_upload_bytes
from jingchu.cases.bearer import CLIENT_ATTR, bearer
from jingchu.cases.choices import CaseStatus, Channel
from jingchu.cases.clock import sla_state
from jingchu.cases.models import Case, CaseEvent
from jingchu.cases.schemas import (
    ApplicationIn,
    CaseOut,
    CasePageOut,
    CaseSummaryOut,
    FormIn,
    ImplementationRef,
    MaterialIn,
    ServiceFormOut,
    TaskPageOut,
    TransitionIn,
)
from jingchu.cases.workflow import TRANSITIONS
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.services import catalog
from jingchu.services import permissions as catalog_permissions
from jingchu.services.choices import MaterialSource
from jingchu.services.models import ItemImplementation, ItemVersion
from jingchu.services.schemas import MaterialOut

router = Router(tags=["cases"])
# Bearer first: a department system sends no cookie, and a bearer call needs no CSRF token.
AUTH = [bearer, django_auth]
MAX_PAGE = 100
# How many candidate rows the task list reads to fill one page (permission checked per row).
TASK_SCAN_LIMIT = 2000
# Each status's label, translated when shown. Looked up here rather than with
# `case.get_status_display()`, which rebuilds a hashable copy of every choice on each call (as
# much CPU as the rest of an answer's summary).
STATUS_LABELS: dict[str, Any] = dict(CaseStatus.choices)
# Each label once translated, by language: translating a lazy label on every answer took ~3% of
# a submission's time in the web process (bench/HISTORY.md, "Ninth session"). Few keys: the
# languages times the statuses.
_TRANSLATED: dict[tuple[str | None, str], str] = {}


def status_label(status: str, language: str | None = None) -> str:
    """The status's label in `language`, by default the active one."""
    key = (language or translation.get_language(), status)
    label = _TRANSLATED.get(key)
    if label is None:
        label = _TRANSLATED[key] = str(STATUS_LABELS.get(status, status))
    return label


def _steps_out(user: Any, case: Case) -> list[dict[str, Any]]:
    return [{"name": t.name, "target": t.target, "needs_reason": t.needs_reason}
            for t in services.steps_for(user, case)]


def _events_out(events: list[CaseEvent]) -> list[dict[str, Any]]:
    return [{"at": e.at, "action": e.action, "from_status": e.from_status,
             "to_status": e.to_status, "note": e.note} for e in events]


def _summary(user: Any, case: Case, today: dt.date | None = None,
             language: str | None = None) -> dict[str, Any]:
    version, entity = case.version, case.on_behalf_of
    return {
        "uid": str(case.uid), "number": case.number, "service_code": case.item.code,
        "service_name": version.name, "version": version.number, "status": case.status,
        "status_label": status_label(case.status, language),
        "channel": case.channel,
        "applicant_name": case.applicant.name,
        "on_behalf_of": entity.uscc if entity else None,
        "on_behalf_of_name": entity.name if entity else None,
        "handling_org": case.handling_org.name, "created_at": case.created_at,
        "submitted_at": case.submitted_at, "deadline": case.deadline,
        "sla_state": sla_state(case, today),
        "steps": _steps_out(user, case),
    }


def _detail(user: Any, case: Case) -> dict[str, Any]:
    events = case.events.all()
    if permissions.is_applicant(user, case):
        events = events.filter(public=True)  # internal notes stay with the staff
    materials = [{
        "uid": str(m.uid), "requirement": str(m.requirement.uid), "name": m.requirement.name,
        "source": m.source, "filename": m.filename, "size": m.size,
    } for m in case.materials.select_related("requirement")]
    return _case_out(user, case, list(events), materials)


def _case_out(user: Any, case: Case, events: list[CaseEvent],
              materials: list[dict[str, Any]], today: dt.date | None = None,
              language: str | None = None) -> dict[str, Any]:
    """The case as the API shows it (CaseOut), from objects in hand (events already filtered
    for the viewer), its keys in CaseOut's order. A plain dict: the response schema validates
    it once, on the way out (except for a new submission's, see `_created`). `language`: the
    request's, when the caller has it (asking the translation machinery for the active one
    costs more than the rest of the label)."""
    return _summary(user, case, today, language) | {
        "version_uid": str(case.version.uid), "implementation": case.implementation.code,
        "accepting_org": case.accepting_org.name if case.accepting_org else None,
        "form": case.form_data, "materials": materials, "decision": case.decision,
        "decision_reason": case.decision_reason,
        "events": _events_out(events),
    }


# CaseOut's keys with the values a new submission's answer takes from its implementation and
# version; the rest are filled in per case (`_submitted_out`). Kept on the implementation object
# itself, by version: that object is the one the submission was checked against
# (kept per process for a few seconds, see services.IMPLEMENTATION_CACHE_SECONDS), so the kept
# values go with it. Why: read through the case, these took seven related-object lookups and a
# UUID's spelling on every submission, about a third of its answer's dict in place
# (bench/HISTORY.md, "Eighteenth session").
_TEMPLATES = "_jingchu_submitted_templates"


def _template(impl: ItemImplementation, version: ItemVersion) -> dict[str, Any]:
    templates: dict[int, dict[str, Any]] = impl.__dict__.setdefault(_TEMPLATES, {})
    found = templates.get(version.pk)
    if found is None:
        found = dict.fromkeys(CaseOut.model_fields)
        found |= {"service_code": impl.item.code, "service_name": version.name,
                  "version": version.number, "handling_org": impl.organization.name,
                  "version_uid": str(version.uid), "implementation": impl.code,
                  "accepting_org": None}  # a new case has not been accepted anywhere yet
        templates[version.pk] = found
    return found


def _submitted_out(user: Any, submission: Submission, language: str | None) -> dict[str, Any]:
    """What `_case_out` answers for a case just submitted through `_submit_at_once`, from the
    objects the caller holds: the applicant is the user's person, the entity the one checked,
    the implementation and version those the case was made of (tests/test_api_answer.py holds
    the two equal)."""
    case, entity = submission.case, submission.entity
    out = _template(submission.implementation, submission.version).copy()
    out |= {
        "uid": str(case.uid), "number": case.number, "status": case.status,
        "status_label": status_label(case.status, language), "channel": case.channel,
        "applicant_name": submission.applicant.name,
        "on_behalf_of": entity.uscc if entity else None,
        "on_behalf_of_name": entity.name if entity else None,
        "created_at": case.created_at, "submitted_at": case.submitted_at,
        "deadline": case.deadline, "sla_state": sla_state(case, submission.today),
        "steps": _steps_out(user, case),
        "form": case.form_data, "materials": [], "decision": case.decision,
        "decision_reason": case.decision_reason,
        "events": _events_out(submission.events),
    }
    return out


def _materials(version: ItemVersion) -> list[MaterialOut]:
    return [MaterialOut(
        uid=str(m.uid), name=m.name, necessity=m.necessity, condition=m.condition, media=m.media,
        copies=m.copies, source=m.source, license_type_code=m.license_type_code,
        data_resource_code=m.data_resource_code, note=m.note,
        needs_upload=m.source == MaterialSource.UPLOAD,
    ) for m in version.materials.all()]


@router.get("/services/{code}/form", response=ServiceFormOut)
def service_form(request: HttpRequest, code: str) -> ServiceFormOut:
    """The application form (JSON Schema) and the materials of the item's current version."""
    if not catalog_permissions.can_view_catalog(request.user):
        raise PermissionDenied
    version = catalog.get_version(code)
    impls = catalog.implementations(version.item)
    return ServiceFormOut(
        code=version.item.code, name=version.name, version=version.number,
        version_uid=str(version.uid), applicant_kind=version.applicant_kind,
        form_schema=version.form_schema, materials=_materials(version),
        implementations=[ImplementationRef(
            code=i.code, organization_uid=str(i.organization.uid),
            organization_name=i.organization.name, region_code=i.organization.region.code,
            service_area=i.service_area) for i in impls],
        service_url=f"/api/v1/services/{version.item.code}",
    )


def _decoded(impl: ItemImplementation, materials: list[MaterialIn]) -> list[tuple[Any, Any]]:
    """(requirement, file) pairs from base64 content; the attach action checks type and size.
    Licence- and data-sourced requirements need nothing: they are fetched at review."""
    version = impl.item.current_version
    known = {str(m.uid): m for m in version.materials.all()} if version else {}
    unknown = [m.requirement for m in materials if m.requirement not in known]
    if unknown:
        raise ActionError("material_unknown", _("These materials are not asked for here."),
                          {"field": "materials", "requirements": unknown}, status=422)
    out = []
    for m in materials:
        # Refuse before decoding what could never be accepted (3 bytes per 4 characters).
        if len(m.content_base64) * 3 // 4 > max_upload_bytes() + 3:
            raise ActionError("file_too_large", _("The file is too large."),
                              {"field": "materials", "requirement": m.requirement})
        try:
            content = base64.b64decode(m.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ActionError("material_invalid", _("The file content is not valid base64."),
                              {"field": "materials", "requirement": m.requirement},
                              status=422) from None
        out.append((known[m.requirement],
                    SimpleUploadedFile(m.filename or "file", content, m.content_type)))
    return out


def _attach_all(user: Any, case: Case, files: list[tuple[Any, Any]], keys: list[str]) -> None:
    """Attach each file, noting its storage key in `keys` as soon as it is written."""
    for requirement, uploaded in files:
        material = actions.do_attach_material(user, case, requirement, uploaded)
        keys.append(material.file.name or "")


def _created(request: HttpRequest, data: dict[str, Any]) -> HttpResponse:
    """201 with `data`, answered by the platform's API as it answers what it has validated.
    Why: a new submission's answer is built by `_case_out` from the values just written, so
    ninja's second pass (validate as CaseOut, dump, then render) only repeated it, at ~4% of a
    submission's instructions in the web process (bench/HISTORY.md, "Seventh session").
    tests/test_api_answer.py holds this answer byte-equal to ninja's for real submissions."""
    from jingchu.api import api  # built from this router, so imported when answering

    return api.create_response(request, data, status=201)


def _channel(request: HttpRequest) -> str:
    return Channel.API if getattr(request, CLIENT_ATTR, None) is not None else Channel.ONLINE


class _Application(NamedTuple):
    """A body that submits at once, read as `ApplicationIn` reads it (`_read_plainly`)."""
    service: str
    implementation: str
    on_behalf_of: str
    form: dict[str, Any]


def _max_length(name: str) -> int:
    """ApplicationIn's limit on the field `name` (it has one)."""
    limit: int = next(m.max_length for m in ApplicationIn.model_fields[name].metadata
                      if hasattr(m, "max_length"))  # pydantic's MaxLen
    return limit


_FIELDS = frozenset(ApplicationIn.model_fields)
_SERVICE_MAX, _IMPLEMENTATION_MAX, _ENTITY_MAX = (
    _max_length("service"), _max_length("implementation"), _max_length("on_behalf_of"))


def _read_plainly(body: Any) -> _Application | None:
    """`body` as `ApplicationIn.model_validate` reads it, when it is a submission without
    uploads spelled in the one plain way (texts within their limits, a form object, `submit`
    left out or true, `materials` left out or empty); None for any other body, which pydantic
    then reads. Why: pydantic took ~4.4 µs to read the benchmark's body in a loop, this ~1 µs
    (bench/HISTORY.md, "Twenty-third session"); tests/test_api_hot.py holds the two readings
    equal wherever this one answers."""
    if type(body) is not dict or not body.keys() <= _FIELDS:
        return None
    service = body.get("service")
    implementation = body.get("implementation", "")
    entity = body.get("on_behalf_of", "")
    form = body.get("form")
    materials = body.get("materials", [])
    if (type(service) is str and len(service) <= _SERVICE_MAX
            and type(implementation) is str and len(implementation) <= _IMPLEMENTATION_MAX
            and type(entity) is str and len(entity) <= _ENTITY_MAX
            and type(form) is dict and type(materials) is list and not materials
            and body.get("submit", True) is True):
        return _Application(service, implementation, entity, form)
    return None


def _applying(request: HttpRequest, payload: ApplicationIn | _Application,
              ) -> tuple[Any, ItemImplementation, Any]:
    """(applicant user, implementation, entity acted for) of a one-call application."""
    user: Any = request.user
    if not permissions.can_apply(user):
        raise NotPermitted(_("Only a person may apply."))
    impl = services.implementation_for(payload.service, payload.implementation)
    return user, impl, services.entity_for(user, payload.on_behalf_of)


def _submit_at_once(request: HttpRequest, payload: ApplicationIn | _Application,
                    ) -> HttpResponse:
    """Nothing to upload: one action stores the case already submitted, and the answer is
    built from what it wrote (every event of a new case is public)."""
    user, impl, entity = _applying(request, payload)
    submission = actions.do_submit_application(
        user, implementation=impl, applicant=user.person, form=payload.form,
        on_behalf_of=entity, channel=_channel(request))
    return _created(request, _submitted_out(user, submission,
                                            getattr(request, "LANGUAGE_CODE", None)))


@router.post("/", response={201: CaseOut}, auth=AUTH)
def apply(request: HttpRequest, payload: ApplicationIn) -> Status[dict[str, Any]] | HttpResponse:
    """Apply in one call: draft, form and (unless `submit` is false) submission, all or none."""
    # In the API's own process a bearer caller's submission without uploads is answered by
    # `apply_hot` instead, through the same `_submit_at_once`.
    if payload.submit and not payload.materials:
        return _submit_at_once(request, payload)
    user, impl, entity = _applying(request, payload)
    files = _decoded(impl, payload.materials)
    keys: list[str] = []
    try:
        with transaction.atomic():
            case = actions.do_create_draft(user, implementation=impl, applicant=user.person,
                                           on_behalf_of=entity, channel=_channel(request))
            case = actions.do_save_form(user, case, payload.form)
            _attach_all(user, case, files, keys)
            if payload.submit:
                case = actions.do_transition(user, case, "submit")
    except BaseException:
        # The attach action removes its file only when its own rows fail; a later refusal in
        # this one call rolls those rows back, so their files go too.
        for key in keys:
            storage.backend().delete(key)
        raise
    return Status(201, _detail(user, services.case_for(user, case.uid)))


def apply_hot(request: HttpRequest) -> HttpResponse | None:
    """`POST /api/v1/cases/` as `apply` answers it, without URL resolution and ninja's
    operation, for the common call only: a valid bearer token and a readable, valid body that
    submits with no uploads. Anything else answers None and takes the usual way (ninja), which
    refuses it in its own words; nothing has been written by then. Past those checks a refusal
    is answered by the API's own exception handlers, as ninja's operation answers it.

    Why: URL resolution and ninja's operation (auth, body, answer) cost about as many
    instructions as the rest of Django's request cycle; skipping them saves ~0.28 M of a
    submission's 3.50 M (-7.9%, bench/HISTORY.md, "Eighth session"). Mounted through
    `jingchu.api.hot_operations`; tests/test_api_hot.py holds its answers equal to ninja's."""
    from jingchu.api import api  # built from this router

    if not bearer(request):  # ninja's bearer parsing and our check, as the operation runs them
        return None
    try:
        body = api.parser.parse_body(request)
        payload = _read_plainly(body) or ApplicationIn.model_validate(body)
    except ValueError:  # unreadable JSON or an invalid body (pydantic's error is a ValueError)
        return None
    if isinstance(payload, ApplicationIn) and (not payload.submit or payload.materials):
        return None  # read plainly, a body always submits at once
    request.auth = request.user  # type: ignore[attr-defined]  # what ninja sets after auth
    try:
        return _submit_at_once(request, payload)
    except Exception as exc:  # as ninja's operation does: the API's handlers answer
        return api.on_exception(request, exc)


@router.get("/", response=CasePageOut, auth=AUTH)
def my_applications(request: HttpRequest, status: str = "", limit: int = 20,
                    offset: int = 0) -> CasePageOut:
    """My applications and those of the enterprises I may act for, newest first."""
    if not permissions.can_apply(request.user):
        raise NotPermitted(_("Only a person has applications."))
    qs = services.my_cases(request.user)
    if status:
        qs = qs.filter(status=status)
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    rows = qs.order_by("-created_at", "-id")[offset:offset + limit]
    return CasePageOut(items=[CaseSummaryOut(**_summary(request.user, c)) for c in rows],
                       count=qs.count())


@router.get("/tasks", response=TaskPageOut, auth=AUTH)
def tasks(request: HttpRequest, limit: int = 20, offset: int = 0) -> TaskPageOut:
    """Cases I may act on now, by deadline, each with the steps open to me."""
    if not permissions.can_use_workbench(request.user):
        raise PermissionDenied(_("The task list is for staff handling cases."))
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    found: list[CaseSummaryOut] = []
    seen = 0
    for case in services.task_candidates(request.user)[:TASK_SCAN_LIMIT].iterator(200):
        summary = _summary(request.user, case)
        if not summary["steps"]:
            continue
        seen += 1
        if seen > offset:
            found.append(CaseSummaryOut(**summary))
        if len(found) > limit:
            break
    more = len(found) > limit
    return TaskPageOut(items=found[:limit], next_offset=offset + limit if more else None)


@router.get("/{uuid:uid}", response=CaseOut, auth=AUTH)
def read(request: HttpRequest, uid: uuid.UUID) -> dict[str, Any]:
    """One application with its form, materials and timeline; others' cases are not found."""
    return _detail(request.user, services.case_for(request.user, uid))


@router.put("/{uuid:uid}/form", response=CaseOut, auth=AUTH)
def update_form(request: HttpRequest, uid: uuid.UUID, payload: FormIn) -> dict[str, Any]:
    """Replace the form while the application is a draft or awaiting correction."""
    case = services.case_for(request.user, uid)
    if not (permissions.is_applicant(request.user, case)
            or permissions.counter_may_edit(request.user, case)):
        raise NotPermitted(_("You may not change this application."))
    case = actions.do_save_form(request.user, case, payload.form)
    return _detail(request.user, services.case_for(request.user, uid))


@router.post("/{uuid:uid}/transitions", response=CaseOut, auth=AUTH)
def take_step(request: HttpRequest, uid: uuid.UUID, payload: TransitionIn) -> dict[str, Any]:
    """Complete a task: take one step (accept, approve, resubmit ...) with its reasons."""
    case = services.case_for(request.user, uid)
    transition = TRANSITIONS.get(payload.transition)
    if transition is None:
        raise ActionError("unknown_transition", _("Unknown step: %s") % payload.transition,
                          {"field": "transition", "allowed": sorted(TRANSITIONS)}, status=422)
    if not permissions.can_transition(request.user, case, transition):
        raise NotPermitted(_("You may not take this step on this case."))
    actions.do_transition(request.user, case, transition.name, reason=payload.reason)
    return _detail(request.user, services.case_for(request.user, uid))


BENCH_TABLE = "bench_bare_insert"


def _bare_insert(request: HttpRequest) -> dict[str, int]:
    """The benchmark's anchor: one raw INSERT of the request body, nothing else. The table is
    created by bench/ in its own database; the route exists only with JINGCHU_BENCH on."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BENCH_TABLE} (body) VALUES (%s) RETURNING id",  # noqa: S608
                       [request.body.decode("utf-8", "replace")])
        row = cursor.fetchone()
    return {"id": int(row[0]) if row else 0}


def bare_insert_hot(request: HttpRequest) -> HttpResponse:
    """The anchor as a hot operation: the benchmark compares the submission with the anchor
    through the same dispatch (the API process mounts both, the anchor only with
    JINGCHU_BENCH on)."""
    from jingchu.api import api  # built from this router

    return api.create_response(request, _bare_insert(request), status=200)


if settings.BENCH:
    router.add_api_operation("/bench/bare", ["POST"], _bare_insert, response={200: dict},
                             include_in_schema=False)
