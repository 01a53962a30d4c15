"""Every state change of 电子证照: issue, revoke, suspend, reinstate, share, and record a use.

Each action is atomic, writes an AuditEvent, and refuses bad input before writing anything:
400 bad input, 403 not permitted, 409 wrong state.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.cases.actions import do_record_external_step
from jingchu.cases.models import Case
from jingchu.core import audit, bulk, crypto
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization
from jingchu.identity.models import LegalEntity, Person
from jingchu.ledger.actions import do_append, do_append_many, object_ref
from jingchu.licenses import content, imports, permissions, statuslists
from jingchu.licenses.choices import (
    HolderKind,
    ImportStatus,
    LicenseStatus,
    StatusPurpose,
    UseKind,
)
from jingchu.licenses.identifiers import make_license_id
from jingchu.licenses.models import (
    License,
    LicenseImport,
    LicenseIssuer,
    LicenseShare,
    LicenseType,
    LicenseUse,
)
from jingchu.seals import service as seals
from jingchu.services import eforms

REASON_MAX = 500
SHARE_MAX_DAYS = 366


def _text(raw: Any, field: str, *, limit: int = REASON_MAX) -> str:
    text = str(raw or "").strip()
    if not text:
        raise ActionError("text_required", _("Please fill in this field."), {"field": field})
    if len(text) > limit:
        raise ActionError("text_too_long", _("At most %(limit)d characters.") % {"limit": limit},
                          {"field": field})
    return text


def issuer_seal(license_type: LicenseType, issuer: Organization) -> LicenseIssuer:
    found = (LicenseIssuer.objects.select_related("seal", "organization")
             .filter(license_type=license_type, organization=issuer).first())
    if found is None:
        raise ActionError("not_an_issuer",
                          _("%(org)s does not issue %(type)s.")
                          % {"org": issuer.name, "type": license_type.name}, status=409)
    return found


def clean_data(license_type: LicenseType, data: Any) -> dict[str, Any]:
    cleaned, errors = eforms.clean(license_type.data_schema, data or {})
    if errors:
        raise ActionError("data_invalid", _("The licence data is not valid."),
                          {"errors": errors})
    return cleaned


def _holder_fields(license_type: LicenseType, holder: Person | LegalEntity) -> dict[str, Any]:
    if license_type.holder_kind == HolderKind.PERSON:
        if not isinstance(holder, Person):
            raise ActionError("holder_kind", _("This licence is held by a natural person."))
        return {"holder_kind": HolderKind.PERSON, "holder_person": holder,
                "holder_name": holder.name}
    if not isinstance(holder, LegalEntity):
        raise ActionError("holder_kind", _("This licence is held by a legal entity."))
    return {"holder_kind": HolderKind.LEGAL_ENTITY, "holder_entity": holder,
            "holder_name": holder.name}


def validity(license_type: LicenseType, start: dt.date) -> dt.date | None:
    if not license_type.validity_years:
        return None
    try:
        end = start.replace(year=start.year + license_type.validity_years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + license_type.validity_years, day=28)
    return end - dt.timedelta(days=1)


def next_serial(license_type: LicenseType, issuer: Organization) -> int:
    """Call with the issuer's status list locked (statuslists.reserve): serials then never
    collide."""
    last = (License.objects.filter(issuer=issuer, license_type=license_type)
            .aggregate(m=Max("serial"))["m"])
    return (last or 0) + 1


def ledger_entry(lic: License, type_code: str, issuer_uscc: str,
                 content_sm3: str) -> tuple[dict[str, Any], License]:
    """The licence's public ledger entry ("license.issued"): official identifiers and the SM3
    of its signed content, never the holder's name or number."""
    return ({"identifier": lic.identifier, "type_code": type_code, "issuer_uscc": issuer_uscc,
             "content_sm3": content_sm3, "issued_at": lic.created_at.isoformat()}, lic)


def build_license(license_type: LicenseType, issuer: LicenseIssuer, holder: Person | LegalEntity,
                  data: dict[str, Any], *, serial: int, status_index: int, number: str = "",
                  issued_on: dt.date, valid_from: dt.date | None = None,
                  valid_until: dt.date | None = None, case: Case | None = None) -> License:
    """The unsigned, unsaved licence (shared by single issue and bulk import)."""
    start = valid_from or issued_on
    identifier = make_license_id(license_type.type_code, issuer.organization.uscc,
                                 f"{serial:06d}", 1)
    return License(
        identifier=identifier, license_type=license_type, issuer=issuer.organization,
        seal=issuer.seal, serial=serial, version=1, number=number or identifier[-12:],
        data=data, issued_on=issued_on, valid_from=start,
        valid_until=valid_until if valid_until is not None else validity(license_type, start),
        status_index=status_index, case=case, **_holder_fields(license_type, holder))


@transaction.atomic
def do_issue_license(actor: Any, *, license_type: LicenseType, issuer: Organization,
                     holder: Person | LegalEntity, data: Any, number: str = "",
                     case: Case | None = None, system: bool = False) -> License:
    """Issue one licence signed under the issuer's seal. `system=True`: the platform issues it
    on an approved case (a task), and no staff permission applies."""
    if not system and not permissions.can_issue_for(actor, issuer):
        raise NotPermitted(_("You may not issue licences for this organization."))
    if not license_type.is_active:
        raise ActionError("type_inactive", _("This licence type is no longer issued."),
                          status=409)
    binding = issuer_seal(license_type, issuer)
    cleaned = clean_data(license_type, data)
    holder_fields = _holder_fields(license_type, holder)  # refuse a wrong holder before locking
    del holder_fields
    index = statuslists.reserve(issuer)
    lic = build_license(license_type, binding, holder, cleaned,
                        serial=next_serial(license_type, issuer), status_index=index,
                        number=number, issued_on=timezone.localdate(), case=case)
    signed = content.signed_bytes(lic)
    lic.signature = seals.sign(None if system else actor, binding.seal, signed, lic.identifier)
    lic.save(force_insert=True)
    do_append("license.issued", *ledger_entry(lic, license_type.type_code, issuer.uscc,
                                              crypto.sm3(signed).hex()),
              actor=None if system else actor)
    audit.record("licenses.license.issue", None if system else actor, lic, {
        "type": license_type.key, "issuer": issuer.uscc,
        "case": case.number if case else None}, actor_label="system" if system else "")
    if case is not None:
        do_record_external_step(None if system else actor, case, "license_issued",
                                note=license_type.name, details={"license": lic.identifier})
    return lic


_TRANSITIONS = {
    "revoke": ({LicenseStatus.VALID, LicenseStatus.SUSPENDED}, LicenseStatus.REVOKED),
    "suspend": ({LicenseStatus.VALID}, LicenseStatus.SUSPENDED),
    "reinstate": ({LicenseStatus.SUSPENDED}, LicenseStatus.VALID),
}


@transaction.atomic
def do_change_status(actor: Any, lic: License, name: str, *, reason: Any) -> License:
    """Revoke (final), suspend, or reinstate a suspended licence; the status lists follow."""
    lic = License.objects.select_for_update().select_related("issuer").get(pk=lic.pk)
    if not permissions.can_change_status(actor, lic):
        raise NotPermitted(_("You may not change this licence's status."))
    sources, target = _TRANSITIONS[name]
    if lic.status not in sources:
        raise ActionError("status_not_allowed",
                          _("This is not possible while the licence is %(status)s.")
                          % {"status": lic.get_status_display()}, {"status": lic.status},
                          status=409)
    text = _text(reason, "reason")
    before = lic.status
    lic.status, lic.status_reason, lic.status_changed_at = target, text, timezone.now()
    lic.save(update_fields=["status", "status_reason", "status_changed_at"])
    statuslists.set_status(lic.issuer, StatusPurpose.SUSPENSION, lic.status_index,
                           target == LicenseStatus.SUSPENDED)
    if target == LicenseStatus.REVOKED:
        statuslists.set_status(lic.issuer, StatusPurpose.REVOCATION, lic.status_index, True)
    audit.record(f"licenses.license.{name}", actor, lic,
                 {"from": before, "to": target, "reason": text})
    return lic


def is_usable(lic: License, today: dt.date | None = None) -> bool:
    """Valid status and within its dates."""
    today = today or timezone.localdate()
    return (lic.status == LicenseStatus.VALID and lic.valid_from <= today
            and (lic.valid_until is None or today <= lic.valid_until))


@transaction.atomic
def do_share_license(actor: Any, lic: License, *, organization: Organization, reason: Any,
                     until: dt.date) -> LicenseShare:
    """The holder lets `organization` use the licence for `reason` until `until`."""
    if not permissions.can_share(actor, lic):
        raise NotPermitted(_("Only the holder may share this licence."))
    text = _text(reason, "reason")
    today = timezone.localdate()
    if not today <= until <= today + dt.timedelta(days=SHARE_MAX_DAYS):
        raise ActionError("share_period", _("Share for a period from today up to one year."),
                          {"field": "until"})
    if not is_usable(lic, today):
        raise ActionError("license_unusable", _("Only a valid licence can be shared."),
                          status=409)
    share = LicenseShare.objects.create(license=lic, organization=organization, reason=text,
                                        valid_until=until, created_by=actor)
    LicenseUse.objects.create(license=lic, kind=UseKind.SHARED, organization=organization,
                              user=actor, reason=text, share=share)
    audit.record("licenses.license.share", actor, lic,
                 {"organization": organization.uscc, "until": until.isoformat()})
    return share


@transaction.atomic
def do_withdraw_share(actor: Any, share: LicenseShare) -> LicenseShare:
    share = LicenseShare.objects.select_for_update().select_related("license").get(pk=share.pk)
    if not permissions.can_share(actor, share.license):
        raise NotPermitted(_("Only the holder may withdraw a share."))
    if share.withdrawn_at is None:
        share.withdrawn_at = timezone.now()
        share.save(update_fields=["withdrawn_at"])
        audit.record("licenses.share.withdraw", actor, share.license,
                     {"organization": share.organization.uscc})
    return share


@transaction.atomic
def do_record_case_use(actor: Any, lic: License, case: Case) -> LicenseUse:
    """The applicant consents to `lic` standing in for a material of `case` (减材料)."""
    if not permissions.is_holder(actor, lic):
        raise NotPermitted(_("Only the holder may offer this licence."))
    if not is_usable(lic):
        raise ActionError("license_unusable", _("This licence is not valid now."), status=409)
    use, created = LicenseUse.objects.get_or_create(
        license=lic, case=case, kind=UseKind.CASE_MATERIAL,
        defaults={"organization": case.handling_org, "user": actor,
                  "reason": case.version.name[:REASON_MAX]})
    if created:
        audit.record("licenses.license.use", actor, lic,
                     {"case": case.number or str(case.uid), "kind": UseKind.CASE_MATERIAL})
    return use


# --- bulk import of existing licences (jingchu.licenses.imports reads and checks the file) -----

IMPORT_BATCH = 250  # licences signed, inserted and counted together


@transaction.atomic
def do_create_import(actor: Any, *, license_type: LicenseType, issuer: Organization,
                     filename: str, payload: bytes) -> LicenseImport:
    """Accept a file of existing licences for `do_run_import`: refuses an actor who may not
    issue for the issuer (403), an issuer that does not issue the type (409), and a file that
    cannot be read as a whole (400: not UTF-8, no rows, wrong columns). The file waits
    SM4-encrypted until its run."""
    if not permissions.can_import(actor, issuer):
        raise NotPermitted(_("You may not import licences for this organization."))
    if not license_type.is_active:
        raise ActionError("type_inactive", _("This licence type is no longer issued."),
                          status=409)
    issuer_seal(license_type, issuer)
    name = imports.safe_filename(filename)
    text = imports.decode(payload)
    records = imports.read(name, text, license_type.data_schema or {})
    imp = LicenseImport.objects.create(license_type=license_type, issuer=issuer, filename=name,
                                       total_rows=len(records), created_by=actor)
    imports.keep_file(imp, text)
    audit.record("licenses.import.create", actor, imp, {
        "type": license_type.key, "issuer": issuer.uscc, "rows": len(records)})
    return imp


def do_run_import(actor: Any, imp: LicenseImport, *, progress: imports.Progress | None = None,
                  workers: int | None = None) -> LicenseImport:
    """Check every row; if any is rejected, keep the report (status rejected) and import
    nothing. Otherwise issue every licence in one transaction, signed on `workers` processes
    (default: every core). `progress(stage, done, total)` follows both stages."""
    imp = _claim_import(actor, imp)
    with bulk.collector_paused():
        return _run_claimed_import(actor, imp, progress, workers)


def _run_claimed_import(actor: Any, imp: LicenseImport, progress: imports.Progress | None,
                        workers: int | None) -> LicenseImport:
    try:
        records = imports.read(imp.filename, imports.load_file(imp),
                               imp.license_type.data_schema or {})
        checked = imports.check(imp.license_type, imp.issuer, records, timezone.localdate(),
                                progress, workers or os.cpu_count() or 1)
        if checked.rejected_count:
            return _finish_import(actor, imp, ImportStatus.REJECTED, report=checked.rejected,
                                  rejected=checked.rejected_count)
        return _store_import(actor, imp, checked.rows, progress, workers)
    except ActionError as exc:  # the seal was revoked, the type withdrawn ... meanwhile
        _finish_import(actor, imp, ImportStatus.FAILED, report=[{"row": 0,
                                                                  "errors": [exc.message]}])
        raise
    except Exception:
        _finish_import(actor, imp, ImportStatus.FAILED, report=[{"row": 0, "errors": [
            _("The import failed; nothing was imported.")]}])
        raise
    finally:
        imports.drop_file(imp)


@transaction.atomic
def _claim_import(actor: Any, imp: LicenseImport) -> LicenseImport:
    imp = (LicenseImport.objects.select_for_update()
           .select_related("license_type", "issuer").get(pk=imp.pk))
    if not permissions.can_import(actor, imp.issuer):
        raise NotPermitted(_("You may not import licences for this organization."))
    if imp.status != ImportStatus.PENDING:
        raise ActionError("import_not_pending", _("This import has already been run."),
                          {"status": imp.status}, status=409)
    imp.status = ImportStatus.RUNNING
    imp.save(update_fields=["status"])
    audit.record("licenses.import.start", actor, imp, {"rows": imp.total_rows})
    return imp


@transaction.atomic
def _finish_import(actor: Any, imp: LicenseImport, status: str, *,
                   report: list[dict[str, Any]], rejected: int = 0) -> LicenseImport:
    """A rejected or failed import: nothing imported, the report kept (row 0: the file)."""
    if rejected > len(report):
        report = [*report, {"row": 0, "errors": [
            _("… and %(count)d more rejected rows.") % {"count": rejected - len(report)}]}]
    imp.status, imp.rejected_rows, imp.finished_at = status, report, timezone.now()
    imp.done_rows = imp.imported = 0
    imp.save(update_fields=["status", "rejected_rows", "finished_at", "done_rows", "imported"])
    audit.record(f"licenses.import.{'reject' if status == ImportStatus.REJECTED else 'fail'}",
                 actor, imp, {"rows": imp.total_rows, "rejected_rows": rejected})
    return imp


# A licence made in a signing worker, as it travels back: its column values for
# jingchu.core.bulk.insert_rows (the signature left empty), and its ledger item.
Built = tuple[list[Any], tuple[dict[str, Any], tuple[str, str]]]


def _prepare_licences(imp: LicenseImport, binding: LicenseIssuer, rows: list[imports.Row],
                      first_serial: int, first_index: int,
                      bounds: tuple[int, int]) -> list[tuple[str, bytes, Built]]:
    """Rows start..stop as licences with their canonical content, for the seal service; runs in
    its forked workers, on the rows they inherit (no database). Each licence travels back as
    its column values, not as a model: pickling a model cost more than building it."""
    lics = [build_license(imp.license_type, binding, rows[at].holder, rows[at].data,
                          serial=first_serial + at, status_index=first_index + at,
                          number=rows[at].number, issued_on=rows[at].issued_on,
                          valid_from=rows[at].valid_from, valid_until=rows[at].valid_until)
            for at in range(*bounds)]
    signed = [content.signed_bytes(lic) for lic in lics]
    for lic in lics:
        lic.signature = None  # the parent puts the signature in its column
    values = bulk.rows(lics)
    type_code, uscc = imp.license_type.type_code, imp.issuer.uscc
    return [(lic.identifier, data,
             (row, (ledger_entry(lic, type_code, uscc, crypto.sm3(data).hex())[0],
                    object_ref(lic))))
            for lic, data, row in zip(lics, signed, values, strict=True)]


@transaction.atomic
def _store_import(actor: Any, imp: LicenseImport, rows: list[imports.Row],
                  progress: imports.Progress | None, workers: int | None) -> LicenseImport:
    """Every licence of the file in this one transaction: positions in the status lists and
    serials reserved at once; built, serialized and signed in batches on every core (the seal
    service's workers) while this process inserts the batches done with their seal uses
    (jingchu.core.bulk); one AuditEvent for the import. The LicenseImport row is written last
    (see imports.ProgressBoard)."""
    bulk.check_constraints_now()
    binding = issuer_seal(imp.license_type, imp.issuer)
    first_index = statuslists.reserve(imp.issuer, len(rows))
    first_serial = next_serial(imp.license_type, imp.issuer)
    prepare = partial(_prepare_licences, imp, binding, rows, first_serial, first_index)
    batches = ((None, (at, min(at + IMPORT_BATCH, len(rows))))
               for at in range(0, len(rows), IMPORT_BATCH))
    board, done, digests = imports.ProgressBoard(imp), 0, []
    signature_at = bulk.column_index(License, "signature")
    try:
        for _, signatures, extras in seals.sign_many(actor, binding.seal, batches,
                                                     prepare=prepare, workers=workers):
            values = [row for row, _item in extras]
            for row, signature in zip(values, signatures, strict=True):
                row[signature_at] = signature
            bulk.insert_rows(License, values)
            # One ledger append a batch (one lock, two INSERTs), in the import's transaction.
            do_append_many("license.issued", [item for _row, item in extras], actor=actor)
            digests.append(crypto.sm3(b"".join(signatures)))
            done += len(values)
            board.publish(done)
            if progress:
                progress("sign", done, len(rows))
    finally:
        board.close()
    imp.status, imp.finished_at = ImportStatus.DONE, timezone.now()
    imp.done_rows = imp.imported = done
    imp.rejected_rows = []
    imp.save(update_fields=["status", "finished_at", "done_rows", "imported", "rejected_rows"])
    # One event for the whole import; it commits to every licence (SM3 over the SM3 of each
    # batch's signatures, in serial order) and names the serials and status positions taken.
    audit.record("licenses.import.done", actor, imp, {
        "type": imp.license_type.key, "issuer": imp.issuer.uscc, "imported": done,
        "serials": [first_serial, first_serial + done - 1],
        "status_indexes": [first_index, first_index + done - 1],
        "signatures_sm3": crypto.sm3(b"".join(digests)).hex()})
    return imp
